builtins.fromJSON ''
  {
    "int": 42, "neg": -7, "float": 1.5, "exp": 2e3, "str": "hi\n\"there\"\u00e9\u0041",
    "t": true, "f": false, "n": null, "list": [1, "two", [3], {"four": 4}],
    "empty": {}, "emptyList": [], "nested": {"a": {"b": {"c": "deep"}}},
    "zero": 0, "negfloat": -0.25, "big": 1000000000000
  }
''
