with builtins;
let s = { zeta = 1; alpha = 2; Beta = 3; "_" = 4; "10" = 5; "9" = 6; }; in
[ (attrNames s) (attrValues s) (attrNames { }) (attrValues { }) ]
