with builtins;
[
  (hashString "md5" "") (hashString "md5" "hello")
  (hashString "sha1" "") (hashString "sha1" "hello")
  (hashString "sha256" "") (hashString "sha256" "hello")
  (hashString "sha512" "hello")
  (hashString "sha256" "a longer string with\nnewlines and ünïcödé")
]
