// Path strings, as Nix's libutil reads them: no file system access.
#pragma once

#include <string>
#include <string_view>

namespace bastion::util {

// Everything before the last '/': "/" for "/foo" and "/", "." when there
// is no '/' at all (Nix's dirOf).
std::string dirOf(std::string_view path);
// Everything after the last '/', ignoring one trailing '/': "b" for "/a/b"
// and "/a/b/", "" for "/" and "a//" (Nix 2.8's baseNameOf).
std::string baseNameOf(std::string_view path);
// "." and ".." and repeated slashes resolved lexically, no trailing slash,
// never resolving symlinks: "/a/./b/../c//" is "/a/c", "/.." is "/" (Nix's
// canonPath). A relative path is read as if it started with "/".
std::string canonPath(std::string_view path);
// canonPath of `path` taken relative to `dir` when it is relative (Nix's
// absPath).
std::string absPath(std::string_view path, std::string_view dir);
// The same relative to the working directory; SysError when there is none
// (it was deleted).
std::string absPath(std::string_view path);
// The working directory; "/" when it cannot be had (it was deleted).
std::string currentDir();
// Whether `path` is strictly below `dir` (both canonical).
bool isInDir(std::string_view path, std::string_view dir);

} // namespace bastion::util
