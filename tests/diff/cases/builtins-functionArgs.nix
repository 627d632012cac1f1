with builtins;
[
  (functionArgs ({ a, b ? 1, c }: a))
  (functionArgs ({ ... }: 1))
  (functionArgs ({ x ? 1, ... }@args: x))
  (functionArgs (x: x))
  (functionArgs map)
  (functionArgs (args@{ y }: y))
]
