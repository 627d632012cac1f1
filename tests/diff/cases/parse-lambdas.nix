# flags: --parse
[ ({ a ? 1 }: a) (args@{ b, ... }: b) ({ c }@all: all) (x: y: x y) (z: z.p ? q) ]
