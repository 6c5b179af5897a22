// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_guard_act - what nexus_guard_test runs in a fresh exec: installed
 * set-user-ID root and run by a user, "setuid" makes the real uid 0 the
 * way an exploit's shell does; "exit" does nothing (the exec itself, from
 * a memfd or /tmp, is what the test is about).
 *
 * Exit: 0 done, 3 setuid(0) refused (not set-user-ID root), 2 usage.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "exit"))
		return 0;
	if (argc == 2 && !strcmp(argv[1], "setuid")) {
		if (setuid(0))
			return 3;
		/* Under the kill policy this line is never reached. */
		printf("survived uid %d\n", (int)getuid());
		return 0;
	}
	fprintf(stderr, "usage: %s exit|setuid\n", argv[0]);
	return 2;
}
