let
  x = "line1\n  line2";
in
''
    start
    ${x}
      ${"deeper"}
    end
''
