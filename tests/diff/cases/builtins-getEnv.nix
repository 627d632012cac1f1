with builtins;
[ (getEnv "TEST_VAR") (getEnv "BASTION_DIFF_VAR") (getEnv "SURELY_NOT_SET_ANYWHERE") (getEnv "") (getEnv "HOME") ]
