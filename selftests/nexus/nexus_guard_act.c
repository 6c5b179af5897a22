// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_guard_act - what nexus_guard_test runs in a fresh exec, as the
 * user the test chose:
 *   setuid   installed set-user-ID root and run by a user: setuid(0), the
 *            way an exploit's shell makes its real uid 0;
 *   exit     nothing (the exec itself, from a memfd or /tmp, is the point);
 *   poke     fork a child that asks to be traced (PTRACE_TRACEME, so no
 *            attach of ours) and stops; read a word of it (PEEKDATA), then
 *            write one (POKEDATA) and let it exit with the word it holds;
 *   uffd     userfaultfd(O_CLOEXEC);
 *   capset   run as root: keep the permitted capabilities across
 *            setresuid() to nobody (PR_SET_KEEPCAPS), which empties the
 *            effective set, then raise CAP_NET_RAW in it again with
 *            capset(), a non-root task raising a capability;
 *   capdrop  run as root: lower CAP_NET_RAW out of the effective set, then
 *            raise it back (root raising: nothing to report).
 *
 * Exit: 0 done, 3 the operation failed, 2 usage, 4 a setup step failed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#define NOBODY 65534

/* Its address escapes to ptrace(): reloaded after raise(). */
static long word = 1;

static int poke(void)
{
	int st;
	long v;
	pid_t child = fork();

	if (child < 0)
		return 4;
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0))
			_exit(4);
		raise(SIGSTOP);
		_exit((int)word);
	}
	if (waitpid(child, &st, 0) != child || !WIFSTOPPED(st))
		return 4;
	errno = 0;
	v = ptrace(PTRACE_PEEKDATA, child, (void *)&word, 0);
	if (v != 1 || errno)
		return 3;
	if (ptrace(PTRACE_POKEDATA, child, (void *)&word, (void *)42L))
		return 3;
	/* Under the kill policy this is never reached. */
	ptrace(PTRACE_CONT, child, 0, 0);
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st))
		return 3;
	return WEXITSTATUS(st) == 42 ? 0 : 3;
}

static int capset_net_raw(int on)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return 4;
	if (on)
		d[0].effective |= 1u << CAP_NET_RAW;
	else
		d[0].effective &= ~(1u << CAP_NET_RAW);
	return syscall(SYS_capset, &h, d) ? 3 : 0;
}

static int capset_raise(void)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) ||
	    setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return 4;
	return capset_net_raw(1);
}

int main(int argc, char **argv)
{
	const char *a = argc == 2 ? argv[1] : "";

	if (!strcmp(a, "exit"))
		return 0;
	if (!strcmp(a, "setuid")) {
		if (setuid(0))
			return 3;
		/* Under the kill policy this line is never reached. */
		printf("survived uid %d\n", (int)getuid());
		return 0;
	}
	if (!strcmp(a, "poke"))
		return poke();
	if (!strcmp(a, "uffd"))
		return syscall(SYS_userfaultfd, O_CLOEXEC) < 0 ? 3 : 0;
	if (!strcmp(a, "capset"))
		return capset_raise();
	if (!strcmp(a, "capdrop")) {
		int ret = capset_net_raw(0);

		return ret ? ret : capset_net_raw(1);
	}
	fprintf(stderr, "usage: %s exit|setuid|poke|uffd|capset|capdrop\n",
		argv[0]);
	return 2;
}
