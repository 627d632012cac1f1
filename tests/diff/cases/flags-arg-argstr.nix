# flags: --arg n 40+2 --argstr s hello --arg list '[ 1 2 ]'
{ n, s, list ? [ ], unused ? "default" }:
{ inherit n s list unused; }
