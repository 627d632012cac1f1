[ ~/foo ~/a/b (toString ~/x) ]
