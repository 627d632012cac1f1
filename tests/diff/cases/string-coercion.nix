[
  "${toString 1}" "${toString true}" "${toString false}" "${toString null}" "${toString [ 1 "a" ]}"
  "${toString ./data}x"
  "${{ __toString = self: "custom"; }}"
  "${{ outPath = "out/path"; }}"
]
