/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_compat.h - the one portability header of the NEXUS algorithm library
 *
 * Everything under nexus_core/lib/ is plain C that builds unchanged as part
 * of a kernel module and in userspace (unit tests, nexusctl replay).  This
 * header maps the few kernel facilities the library needs onto libc when
 * __KERNEL__ is not defined.
 *
 * Rules for lib code:
 *  - no floating point;
 *  - 64-bit division only through div64_s64(), div64_u64() and
 *    div_u64_rem(), never a plain '/' or '%' on a 64-bit operand, so that a
 *    32-bit build would not need __divdi3;
 *  - no allocation: callers own every state struct;
 *  - no 128-bit integers.
 */
#ifndef _NX_COMPAT_H
#define _NX_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include <linux/prefetch.h>
#include <linux/export.h>
#include <asm/barrier.h>

/* Acquire for nx_ring.h; the pairing is documented there. */
#define nx_load_acquire(p)	smp_load_acquire(p)
/* Release for nx_ring.h; the pairing is documented there. */
#define nx_store_release(p, v)	smp_store_release(p, v)
#define nx_read_once(x)		READ_ONCE(x)
#define nx_prefetch(p)		prefetch(p)

#else /* !__KERNEL__ */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef U8_MAX
#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define S16_MAX		((s16)(U16_MAX >> 1))
#define S16_MIN		((s16)(-S16_MAX - 1))
#define U32_MAX		((u32)~0U)
#define S32_MAX		((s32)(U32_MAX >> 1))
#define S32_MIN		((s32)(-S32_MAX - 1))
#define U64_MAX		((u64)~0ULL)
#define S64_MAX		((s64)(U64_MAX >> 1))
#define S64_MIN		((s64)(-S64_MAX - 1))
#endif

static inline s64 div64_s64(s64 dividend, s64 divisor)
{
	return dividend / divisor;
}

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

static inline s64 div_s64(s64 dividend, s32 divisor)
{
	return dividend / divisor;
}

static inline u64 div_u64_rem(u64 dividend, u32 divisor, u32 *remainder)
{
	*remainder = (u32)(dividend % divisor);
	return dividend / divisor;
}

/*
 * The kernel's ordering primitives, as the C11 atomics they stand for;
 * the pairing is documented in nx_ring.h.
 */
#define nx_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define nx_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define nx_read_once(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define nx_prefetch(p)		__builtin_prefetch(p)
#ifndef likely
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#endif
#ifndef __always_inline
#define __always_inline		inline
#endif

/* The library is linked into nexus_core, which exports it to modules. */
#define EXPORT_SYMBOL_GPL(sym)

#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))

#define min_t(type, x, y)	({ type __x = (x); type __y = (y); __x < __y ? __x : __y; })
#define max_t(type, x, y)	({ type __x = (x); type __y = (y); __x > __y ? __x : __y; })
#define clamp_t(type, v, lo, hi)					\
	({ type __v = (v); type __lo = (lo); type __hi = (hi);		\
	   __v < __lo ? __lo : __v > __hi ? __hi : __v; })

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#endif /* __KERNEL__ */

/**
 * nx_abs64() - absolute value of a signed 64-bit integer
 * @v: value; S64_MIN saturates to S64_MAX
 *
 * Return: |@v| as an unsigned 64-bit integer.
 */
static inline u64 nx_abs64(s64 v)
{
	if (v == S64_MIN)
		return (u64)S64_MAX;
	return v < 0 ? (u64)-v : (u64)v;
}

#endif /* _NX_COMPAT_H */
