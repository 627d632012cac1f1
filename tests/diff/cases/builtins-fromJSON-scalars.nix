with builtins;
[ (fromJSON "1") (fromJSON "1.0") (fromJSON "\"s\"") (fromJSON "null") (fromJSON "true") (fromJSON " [ ] ") (fromJSON "{}") (fromJSON "\"\\ud83d\\ude00\"") (fromJSON "\"\\/\\b\\f\\t\"") ]
