{
  here = __curPos;
  list = [ 1
    __curPos ];
}
