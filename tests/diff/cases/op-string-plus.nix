[ ("a" + "b") ("${"x"}" + "y") (toString ./data + "/file") ("a" + toString 1) ]
