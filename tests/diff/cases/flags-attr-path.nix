# flags: -A a.b
{ a = { b = { c = "selected"; }; d = throw "not selected"; }; }
