[
  (true && true) (true && false) (false || true) (false || false) (!true) (!false) (!!true)
  (true -> false) (false -> false) (false -> throw "not evaluated") (false && throw "lazy") (true || throw "lazy")
  (false -> false -> false) (true -> true -> false)
]
