{
  minIndent = ''
      four
    two
        six
  '';
  emptyLinesIgnored = ''

    a

      b

  '';
  firstLineSame = ''   keep leading on first line
    but strip here
  '';
  noTrailingNewline = ''
    x
    y'';
  singleLine = ''  inline  '';
  empty = '''';
  onlyNewline = ''
  '';
}
