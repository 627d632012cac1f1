# comment
/* block */ ({ __overrides = {}; __functor = self: x: x; }) /* unterminated