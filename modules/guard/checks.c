// SPDX-License-Identifier: GPL-2.0
/*
 * The posture check table.  Recommendations follow the KSPP's recommended
 * settings and kernel-hardening-checker (the "kspp" and "self_protection"
 * decisions), the CIS Debian benchmark for the network sysctls, and the
 * kernel's own documentation where a knob is NEXUS-specific; "care" says
 * what a recommendation breaks, so an administrator can weigh it.
 */
#include <linux/kernel.h>
#include "guard.h"

#define SYSCTL(_n, _p, _c, _cmp, _w, _ws, _s, _care) {			\
	.name = _n, .path = "/proc/sys/" _p, .src = NXG_SRC_SYSCTL,	\
	.cls = NXG_CL_##_c, .cmp = NXG_##_cmp, .want = _w,		\
	.want_str = _ws, .source = _s, .care = _care }
/* The token is the name after "cmdline.". */
#define CMDLINE(_tok, _c, _care) {					\
	.name = "cmdline." _tok, .src = NXG_SRC_CMDLINE,		\
	.cls = NXG_CL_##_c, .want_str = "absent", .source = "kspp",	\
	.care = _care }
#define KCONFIG(_n, _on) {						\
	.name = "CONFIG_" _n, .src = NXG_SRC_KCONFIG,			\
	.cls = NXG_CL_SELF_PROTECTION, .kconfig = _on,			\
	.want_str = "y", .source = "kspp" }
#define CPUBIT(_n, _bit) {						\
	.name = "cpu." _n, .src = NXG_SRC_CPU,				\
	.cls = NXG_CL_SELF_PROTECTION, .want = _bit,			\
	.want_str = "all", .source = "kspp" }
/* The file is the name after "vuln." in NXG_VULN_DIR. */
#define VULN(_n) {							\
	.name = "vuln." _n,						\
	.src = NXG_SRC_VULN, .cls = NXG_CL_SELF_PROTECTION,		\
	.want_str = "not_vulnerable", .source = "kernel" }

const struct nxg_check nxg_checks[] = {
	/* Sysctls. */
	SYSCTL("kernel.kptr_restrict", "kernel/kptr_restrict",
	       SELF_PROTECTION, EQ, 2, "2", "kspp", NULL),
	SYSCTL("kernel.dmesg_restrict", "kernel/dmesg_restrict",
	       SELF_PROTECTION, EQ, 1, "1", "kspp", NULL),
	SYSCTL("kernel.unprivileged_bpf_disabled",
	       "kernel/unprivileged_bpf_disabled", ATTACK_SURFACE, GE, 1,
	       ">=1", "kspp", NULL),
	SYSCTL("kernel.yama.ptrace_scope", "kernel/yama/ptrace_scope",
	       ATTACK_SURFACE, GE, 1, ">=1", "kspp",
	       "3 (kspp) forbids every ptrace attach, debuggers included"),
	SYSCTL("kernel.kexec_load_disabled", "kernel/kexec_load_disabled",
	       ATTACK_SURFACE, EQ, 1, "1", "kspp",
	       "no kexec or kdump kernel can be loaded afterwards"),
	SYSCTL("kernel.perf_event_paranoid", "kernel/perf_event_paranoid",
	       ATTACK_SURFACE, GE, 3, ">=3", "kspp",
	       "3 is a Debian/Android patch; blocks perf for non-root"),
	SYSCTL("kernel.sysrq", "kernel/sysrq", ATTACK_SURFACE, EQ, 0, "0",
	       "kspp", "no magic SysRq to recover a hung machine"),
	SYSCTL("kernel.randomize_va_space", "kernel/randomize_va_space",
	       USERSPACE, EQ, 2, "2", "kspp", NULL),
	SYSCTL("kernel.io_uring_disabled", "kernel/io_uring_disabled",
	       ATTACK_SURFACE, EQ, 2, "2", "kspp",
	       "breaks programs that use io_uring"),
	SYSCTL("kernel.modules_disabled", "kernel/modules_disabled",
	       ATTACK_SURFACE, EQ, 1, "1", "kspp",
	       "one-way: no module (NEXUS included) loads until reboot"),
	SYSCTL("kernel.unprivileged_userns_clone",
	       "kernel/unprivileged_userns_clone", ATTACK_SURFACE, EQ, 0, "0",
	       "kspp", "breaks rootless containers and browser sandboxes"),
	SYSCTL("user.max_user_namespaces", "user/max_user_namespaces",
	       ATTACK_SURFACE, EQ, 0, "0", "kspp",
	       "breaks containers and browser sandboxes"),
	SYSCTL("vm.unprivileged_userfaultfd", "vm/unprivileged_userfaultfd",
	       ATTACK_SURFACE, EQ, 0, "0", "kspp", NULL),
	SYSCTL("vm.mmap_min_addr", "vm/mmap_min_addr", SELF_PROTECTION, GE,
	       65536, ">=65536", "kspp", NULL),
	SYSCTL("fs.protected_symlinks", "fs/protected_symlinks", USERSPACE,
	       EQ, 1, "1", "kspp", NULL),
	SYSCTL("fs.protected_hardlinks", "fs/protected_hardlinks", USERSPACE,
	       EQ, 1, "1", "kspp", NULL),
	SYSCTL("fs.protected_fifos", "fs/protected_fifos", USERSPACE, EQ, 2,
	       "2", "kspp", NULL),
	SYSCTL("fs.protected_regular", "fs/protected_regular", USERSPACE, EQ,
	       2, "2", "kspp", NULL),
	SYSCTL("fs.suid_dumpable", "fs/suid_dumpable", USERSPACE, EQ, 0, "0",
	       "kspp", NULL),
	SYSCTL("net.core.bpf_jit_harden", "net/core/bpf_jit_harden",
	       SELF_PROTECTION, EQ, 2, "2", "kspp", NULL),
	SYSCTL("dev.tty.ldisc_autoload", "dev/tty/ldisc_autoload",
	       ATTACK_SURFACE, EQ, 0, "0", "kspp", NULL),
	SYSCTL("dev.tty.legacy_tiocsti", "dev/tty/legacy_tiocsti",
	       ATTACK_SURFACE, EQ, 0, "0", "kspp", NULL),
	SYSCTL("net.ipv4.tcp_syncookies", "net/ipv4/tcp_syncookies", NETWORK,
	       EQ, 1, "1", "cis", NULL),
	SYSCTL("net.ipv4.conf.all.rp_filter", "net/ipv4/conf/all/rp_filter",
	       NETWORK, EQ, 1, "1", "cis",
	       "strict mode drops asymmetric-routing traffic"),
	SYSCTL("net.ipv4.conf.all.accept_redirects",
	       "net/ipv4/conf/all/accept_redirects", NETWORK, EQ, 0, "0",
	       "cis", NULL),
	SYSCTL("net.ipv4.conf.all.send_redirects",
	       "net/ipv4/conf/all/send_redirects", NETWORK, EQ, 0, "0", "cis",
	       "a router needs it"),
	SYSCTL("net.ipv4.conf.all.accept_source_route",
	       "net/ipv4/conf/all/accept_source_route", NETWORK, EQ, 0, "0",
	       "cis", NULL),
	SYSCTL("net.ipv4.conf.all.log_martians",
	       "net/ipv4/conf/all/log_martians", NETWORK, EQ, 1, "1", "cis",
	       NULL),
	SYSCTL("net.ipv4.icmp_echo_ignore_broadcasts",
	       "net/ipv4/icmp_echo_ignore_broadcasts", NETWORK, EQ, 1, "1",
	       "cis", NULL),

	/* The kernel command line. */
	CMDLINE("mitigations=off", SELF_PROTECTION, NULL),
	CMDLINE("nokaslr", SELF_PROTECTION, NULL),
	CMDLINE("nosmep", SELF_PROTECTION, NULL),
	CMDLINE("nosmap", SELF_PROTECTION, NULL),
	CMDLINE("nopti", SELF_PROTECTION, NULL),

	/* The configuration this module was built against. */
	KCONFIG("STACKPROTECTOR_STRONG", IS_ENABLED(CONFIG_STACKPROTECTOR_STRONG)),
	KCONFIG("STRICT_KERNEL_RWX", IS_ENABLED(CONFIG_STRICT_KERNEL_RWX)),
	KCONFIG("STRICT_MODULE_RWX", IS_ENABLED(CONFIG_STRICT_MODULE_RWX)),
	KCONFIG("RANDOMIZE_BASE", IS_ENABLED(CONFIG_RANDOMIZE_BASE)),
	KCONFIG("VMAP_STACK", IS_ENABLED(CONFIG_VMAP_STACK)),
	KCONFIG("HARDENED_USERCOPY", IS_ENABLED(CONFIG_HARDENED_USERCOPY)),
	KCONFIG("FORTIFY_SOURCE", IS_ENABLED(CONFIG_FORTIFY_SOURCE)),
	KCONFIG("SLAB_FREELIST_HARDENED",
		IS_ENABLED(CONFIG_SLAB_FREELIST_HARDENED)),
	KCONFIG("SLAB_FREELIST_RANDOM", IS_ENABLED(CONFIG_SLAB_FREELIST_RANDOM)),
	KCONFIG("SCHED_STACK_END_CHECK", IS_ENABLED(CONFIG_SCHED_STACK_END_CHECK)),
	KCONFIG("BUG_ON_DATA_CORRUPTION",
		IS_ENABLED(CONFIG_BUG_ON_DATA_CORRUPTION)),
	KCONFIG("INIT_ON_ALLOC_DEFAULT_ON",
		IS_ENABLED(CONFIG_INIT_ON_ALLOC_DEFAULT_ON)),
	KCONFIG("MODULE_SIG", IS_ENABLED(CONFIG_MODULE_SIG)),
	KCONFIG("SECURITY_LOCKDOWN_LSM", IS_ENABLED(CONFIG_SECURITY_LOCKDOWN_LSM)),
	KCONFIG("SECURITY_YAMA", IS_ENABLED(CONFIG_SECURITY_YAMA)),
	/* Renamed MITIGATION_* in 6.9: either name counts. */
	KCONFIG("PAGE_TABLE_ISOLATION",
		IS_ENABLED(CONFIG_PAGE_TABLE_ISOLATION) ||
		IS_ENABLED(CONFIG_MITIGATION_PAGE_TABLE_ISOLATION)),
	KCONFIG("RETPOLINE", IS_ENABLED(CONFIG_RETPOLINE) ||
		IS_ENABLED(CONFIG_MITIGATION_RETPOLINE)),

	/* Runtime state. */
	{ .name = "lockdown", .src = NXG_SRC_LOCKDOWN,
	  .cls = NXG_CL_SELF_PROTECTION, .want_str = "integrity",
	  .source = "kspp",
	  .care = "refuses unsigned modules (NEXUS too), hibernation, /dev/mem" },
	{ .name = "module.sig_enforce", .src = NXG_SRC_SIG_ENFORCE,
	  .cls = NXG_CL_SELF_PROTECTION, .want_str = "Y", .source = "kspp",
	  .care = "refuses unsigned modules, NEXUS included" },
	{ .name = "kernel.tainted", .path = "/proc/sys/kernel/tainted",
	  .src = NXG_SRC_TAINT, .cls = NXG_CL_SELF_PROTECTION,
	  .want_str = "0", .source = "kernel",
	  .care = "O and E (out-of-tree, unsigned: NEXUS itself) are not counted" },
#ifdef CONFIG_X86
	CPUBIT("cr0_wp", NXG_CR_WP),
	CPUBIT("smep", NXG_CR_SMEP),
	CPUBIT("smap", NXG_CR_SMAP),
	CPUBIT("umip", NXG_CR_UMIP),
#endif

	/* CPU vulnerabilities, as the kernel reports its mitigations. */
	VULN("meltdown"),
	VULN("spectre_v1"),
	VULN("spectre_v2"),
	VULN("spec_store_bypass"),
	VULN("l1tf"),
	VULN("mds"),
	VULN("tsx_async_abort"),
	VULN("itlb_multihit"),
	VULN("srbds"),
	VULN("mmio_stale_data"),
	VULN("retbleed"),
	VULN("gather_data_sampling"),
	VULN("spec_rstack_overflow"),
	VULN("reg_file_data_sampling"),
};

const unsigned int nxg_nr_checks = ARRAY_SIZE(nxg_checks);
