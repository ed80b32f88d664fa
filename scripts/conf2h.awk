# .config -> C header, without any Kconfig tool, so a plain "make" works on a
# .config handed over by Buildroot.  Bool 'y' -> 1; strings and numbers as
# they are; unset symbols are simply not defined (IS_ENABLED() reads 0).
BEGIN { print "/* generated from .config by scripts/conf2h.awk: do not edit */" }
/^CONFIG_[A-Za-z0-9_]+=/ {
	eq = index($0, "=")
	name = substr($0, 1, eq - 1)
	val = substr($0, eq + 1)
	if (val == "y")
		print "#define " name " 1"
	else if (val != "n" && val != "m")
		print "#define " name " " val
}
