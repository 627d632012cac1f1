abort "deliberate abort"
