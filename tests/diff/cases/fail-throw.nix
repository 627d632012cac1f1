throw "deliberate"
