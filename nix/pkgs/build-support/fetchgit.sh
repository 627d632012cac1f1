# fetchgit's builder (see fetchgit.nix). The result is checked against
# its fixed hash, so TLS verification adds nothing here (as with Nix's
# builtin:fetchurl), and the sandbox has no CA bundle.
export HOME="$TMPDIR" GIT_SSL_NO_VERIFY=1 GIT_CONFIG_NOSYSTEM=1
git init -q "$out"
cd "$out"
git config advice.detachedHead false
git remote add origin "$url"
git fetch -q --tags origin '+refs/heads/*:refs/remotes/origin/*'
if git rev-parse -q --verify "origin/$rev^{commit}" >/dev/null; then
  commit=$(git rev-parse "origin/$rev^{commit}")
elif [ "$rev" = HEAD ]; then
  commit=$(git ls-remote origin HEAD | cut -f1)
else
  commit=$(git rev-parse --verify "$rev^{commit}")
fi
git checkout -q "$commit"
if [ -n "$fetchSubmodules" ] && [ -f .gitmodules ]; then
  git submodule -q update --init --recursive
fi
find . -name .git -prune -exec rm -rf {} +
