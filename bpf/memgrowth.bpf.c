// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * MemGrowth probe: follows every process's RSS through kmem:rss_stat and tells user space only what
 * it needs to find growth: a process was seen, a coalesced sample (at most one per process per
 * interval, and only when RSS moved by at least min_delta_pages), the process exited.
 *
 * Hot path budget: rss_stat fires for every page-counter change (hundreds of thousands per second in
 * a page-fault storm). A hit costs two per-CPU array lookups and a read of jiffies when it is for the
 * same process as the CPU's previous hit within the interval; else one hash lookup more. The counters
 * and the real clock are read at most once per interval per process.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "memgrowth.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PF_EXITING 0x00000004
#define PF_KTHREAD 0x00200000
#define MAX_PROCESSES_DEFAULT 32768
#define RINGBUF_BYTES_DEFAULT (1 << 20)

/* Settings: read-only, filled in by the loader between open and load (bpf_map__initial_value). */
const volatile struct mg_config mg_settings SEC(".rodata.config") = {
	.interval_jiffies = 250,
	.min_delta_pages = 8,
	.wakeup_bytes = 64 * 1024,
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PROCESSES_DEFAULT);
	__type(key, __u32);
	__type(value, struct mg_state);
} process_states SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RINGBUF_BYTES_DEFAULT);
} events SEC(".maps");

/*
 * Per-CPU counters, and the last process each CPU accounted for. In a page-fault storm nearly every
 * hit on a CPU is for the same mm as the one before; while the interval that hit opened is running,
 * the state is already marked for the flush, so the hit needs nothing more: no hash lookup at all.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mg_cpu);
} stats SEC(".maps");

/* Kernels before 6.2 kept atomic counters instead of per-CPU counters. */
struct mm_rss_stat___old {
	atomic_long_t count[MG_MEMBERS];
} __attribute__((preserve_access_index));

struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
} __attribute__((preserve_access_index));

static __always_inline struct mg_cpu *cpu_slot(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&stats, &zero);
}

#define COUNT(field)                                      \
	do {                                              \
		struct mg_cpu *cpu = cpu_slot();          \
		if (cpu)                                  \
			cpu->stats.field++;               \
	} while (0)

/* Counters are approximate (per-CPU deltas not yet folded in) and may read negative: clamp like /proc does. */
static __always_inline __s64 clamp(__s64 v)
{
	return v < 0 ? 0 : v;
}

static __always_inline void read_pages(struct mm_struct *mm, __s64 pages[MG_MEMBERS])
{
	/* Constant indexes only: a variable index into rss_stat[] does not pass the verifier. */
	if (bpf_core_field_exists(struct percpu_counter, count) &&
	    bpf_core_field_size(mm->rss_stat) == MG_MEMBERS * sizeof(struct percpu_counter)) {
		pages[MG_FILE] = clamp(BPF_CORE_READ(mm, rss_stat[0].count));
		pages[MG_ANON] = clamp(BPF_CORE_READ(mm, rss_stat[1].count));
		pages[MG_SWAP] = clamp(BPF_CORE_READ(mm, rss_stat[2].count));
		pages[MG_SHMEM] = clamp(BPF_CORE_READ(mm, rss_stat[3].count));
	} else {
		struct mm_struct___old *old = (void *)mm;
		pages[MG_FILE] = clamp(BPF_CORE_READ(old, rss_stat.count[0].counter));
		pages[MG_ANON] = clamp(BPF_CORE_READ(old, rss_stat.count[1].counter));
		pages[MG_SWAP] = clamp(BPF_CORE_READ(old, rss_stat.count[2].counter));
		pages[MG_SHMEM] = clamp(BPF_CORE_READ(old, rss_stat.count[3].counter));
	}
}

static __always_inline __u64 resident(const __s64 pages[MG_MEMBERS])
{
	return pages[MG_FILE] + pages[MG_ANON] + pages[MG_SHMEM];
}

/*
 * Who pays for a change to an mm that is not current's (curr == 0: fork copying into the child, exec building the new mm, kswapd, process_madvise from
 * another task) the mm's owner does, never the task that happens to run.
 */
static __always_inline struct task_struct *charge_owner(struct mm_struct *mm)
{
	if (BPF_CORE_READ(mm, mm_users.counter) == 0) {
		COUNT(teardown); /* exit_mmap or the old mm of an exec: the process is leaving it */
		return NULL;
	}
	if (!bpf_core_field_exists(mm->owner)) {
		COUNT(unattributed); /* kernel built without CONFIG_MEMCG */
		return NULL;
	}
	struct task_struct *owner = BPF_CORE_READ(mm, owner);
	if (!owner)
		COUNT(unattributed);
	return owner;
}

static __always_inline void fill_event(struct mg_event *e, __u32 type, __u32 tgid, const struct mg_state *s, __u64 now)
{
	e->type = type;
	e->tgid = tgid;
	e->start_boottime_ns = s->start_boottime_ns;
	e->time_ns = now;
	e->first_seen_ns = s->first_seen_ns;
	e->pages[MG_FILE] = s->pages[MG_FILE];
	e->pages[MG_ANON] = s->pages[MG_ANON];
	e->pages[MG_SWAP] = s->pages[MG_SWAP];
	e->pages[MG_SHMEM] = s->pages[MG_SHMEM];
	e->peak_pages = s->peak_pages;
	e->cgroup_id = s->cgroup_id;
	__builtin_memcpy(e->comm, s->comm, MG_COMM_LEN);
}

static __always_inline __u64 wakeup_flag(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= mg_settings.wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void emit(__u32 type, __u32 tgid, const struct mg_state *s, __u64 now)
{
	struct mg_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		COUNT(ring_drops);
		return;
	}
	fill_event(e, type, tgid, s, now);
	bpf_ringbuf_submit(e, type == MG_EVENT_SAMPLE ? wakeup_flag() : 0);
	if (type == MG_EVENT_EXIT)
		COUNT(exits);
	else
		COUNT(samples);
}

/* Fold the counters into the state; returns whether they moved enough to be worth a sample. */
static __always_inline bool take_sample(struct mm_struct *mm, struct mg_state *s, bool force)
{
	__s64 pages[MG_MEMBERS];
	read_pages(mm, pages);

	__s64 before = resident(s->pages) + s->pages[MG_SWAP];
	__s64 after = resident(pages) + pages[MG_SWAP];
	__s64 delta = after - before;
	if (!force && delta < mg_settings.min_delta_pages && -delta < mg_settings.min_delta_pages)
		return false;

	s->pages[MG_FILE] = pages[MG_FILE];
	s->pages[MG_ANON] = pages[MG_ANON];
	s->pages[MG_SWAP] = pages[MG_SWAP];
	s->pages[MG_SHMEM] = pages[MG_SHMEM];
	__u64 rss = resident(pages);
	if (rss > s->peak_pages)
		s->peak_pages = rss;
	return true;
}

static __noinline void start_tracking(struct mm_struct *mm, struct task_struct *owner, __u32 tgid, __u64 jiffies)
{
	struct mg_state fresh = {};
	__u64 now = bpf_ktime_get_ns();
	struct task_struct *leader = BPF_CORE_READ(owner, group_leader);

	fresh.start_boottime_ns = BPF_CORE_READ(leader, start_boottime);
	fresh.first_seen_ns = now;
	fresh.last_check_jiffies = jiffies;
	fresh.last_emit_ns = now;
	fresh.cgroup_id = BPF_CORE_READ(owner, cgroups, dfl_cgrp, kn, id);
	fresh.mm = (__u64)mm;
	BPF_CORE_READ_STR_INTO(&fresh.comm, leader, comm);
	take_sample(mm, &fresh, true);

	if (bpf_map_update_elem(&process_states, &tgid, &fresh, BPF_NOEXIST)) {
		/* Either the map is full, or another CPU inserted it first: only the first is a drop. */
		struct mg_state *raced = bpf_map_lookup_elem(&process_states, &tgid);
		if (!raced)
			COUNT(map_full);
		return;
	}
	emit(MG_EVENT_SEEN, tgid, &fresh, now);
}

/* Start times compared in USER_HZ ticks: user space seeds process_states from /proc, which has no more. */
static __always_inline bool same_start(struct task_struct *owner, const struct mg_state *s)
{
	struct task_struct *leader = BPF_CORE_READ(owner, group_leader);
	return BPF_CORE_READ(leader, start_boottime) / 10000000ULL == s->start_boottime_ns / 10000000ULL;
}

/*
 * Returns true when the process's state is now marked for the flush for the rest of this interval, so
 * that further hits on this CPU can stop at the per-CPU cache.
 */
static __always_inline bool track_rss_change(struct mm_struct *mm, struct task_struct *owner, __u32 tgid, __u64 jiffies)
{
	struct mg_state *s = bpf_map_lookup_elem(&process_states, &tgid);

	if (!s) {
		if (BPF_CORE_READ(owner, flags) & (PF_KTHREAD | PF_EXITING))
			return false; /* kernel threads are not tracked; an exiting process is not new */
		start_tracking(mm, owner, tgid, jiffies);
		return false;
	}
	if (!s->mm && !same_start(owner, s)) {
		/* Seeded by user space from /proc for a process that has since exited, and its PID reused:
		 * this is a new process. (Checked once: the first sample sets mm.) */
		bpf_map_delete_elem(&process_states, &tgid);
		start_tracking(mm, owner, tgid, jiffies);
		return false;
	}
	/* Marked dirty whatever happens next: the flush reads the counters once the interval is over and
	 * sends a sample only if they moved, so a change right after a sample is never lost. */
	s->dirty = 1;
	if (jiffies - s->last_check_jiffies < mg_settings.interval_jiffies)
		return true;
	s->last_check_jiffies = jiffies;
	if (!take_sample(mm, s, false))
		return true;
	__u64 now = bpf_ktime_get_ns();
	s->last_emit_ns = now;
	s->mm = (__u64)mm;
	emit(MG_EVENT_SAMPLE, tgid, s, now);
	return true;
}

SEC("tp_btf/rss_stat")
int BPF_PROG(on_rss_stat, struct mm_struct *mm, int member)
{
	struct mg_cpu *cpu = cpu_slot();
	if (!cpu)
		return 0;
	cpu->stats.hits++;

	struct task_struct *task = bpf_get_current_task_btf();
	if (task->mm == mm) {
		/* The common case: a task changing its own mm. */
		__u32 tgid = task->tgid;
		__u64 jiffies = bpf_jiffies64();
		if (cpu->last_mm == (__u64)mm && cpu->last_tgid == tgid && jiffies - cpu->last_jiffies < mg_settings.interval_jiffies)
			return 0;
		if (track_rss_change(mm, task, tgid, jiffies)) {
			cpu->last_mm = (__u64)mm;
			cpu->last_tgid = tgid;
			cpu->last_jiffies = jiffies;
		}
		return 0;
	}

	struct task_struct *owner = charge_owner(mm);
	if (owner)
		track_rss_change(mm, owner, BPF_CORE_READ(owner, tgid), bpf_jiffies64());
	return 0;
}

/* The thread group is dead once signal->live reaches zero: forget it and say so at once. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_process_exit, struct task_struct *task)
{
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;

	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct mg_state *s = bpf_map_lookup_elem(&process_states, &tgid);
	if (!s)
		return 0;
	emit(MG_EVENT_EXIT, tgid, s, bpf_ktime_get_ns());
	bpf_map_delete_elem(&process_states, &tgid);
	return 0;
}

/* exec keeps the tgid but changes the name and the mm. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_process_exec, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct mg_state *s = bpf_map_lookup_elem(&process_states, &tgid);
	if (!s)
		return 0;
	BPF_CORE_READ_STR_INTO(&s->comm, task, comm);
	s->mm = (__u64)BPF_CORE_READ(task, mm);
	return 0;
}

/*
 * Trailing edge: a process that changed after its last sample and then went quiet would otherwise
 * never report its final size (a one-time allocation, each step of a burst leak). A 1 Hz perf event on
 * one CPU walks process_states and samples those that are dirty and whose interval has passed.
 */
struct flush_ctx {
	__u64 now;
	__u64 jiffies;
};

static long flush_one(void *map, __u32 *tgid, struct mg_state *s, struct flush_ctx *ctx)
{
	if (!s->dirty || !s->mm || ctx->jiffies - s->last_check_jiffies < mg_settings.interval_jiffies)
		return 0;
	s->last_check_jiffies = ctx->jiffies;
	s->dirty = 0;

	/* The mm is read by address; the state is deleted at exit before the mm can be freed and
	 * replaced at exec, and a probe read of a stale address fails instead of faulting. */
	struct mm_struct *mm = (struct mm_struct *)s->mm;
	if (!take_sample(mm, s, false))
		return 0;
	s->last_emit_ns = ctx->now;
	emit(MG_EVENT_SAMPLE, *tgid, s, ctx->now);
	COUNT(flushes);
	return 0;
}

SEC("perf_event")
int on_flush_tick(void *ctx)
{
	struct flush_ctx fc = { .now = bpf_ktime_get_ns(), .jiffies = bpf_jiffies64() };
	bpf_for_each_map_elem(&process_states, flush_one, &fc, 0);
	return 0;
}

/*
 * OOM kills. The tracepoint's record as this program reads it: CO-RE matches it to the kernel's
 * trace_event_raw_mark_victim by name and relocates each field. Kernels before 6.8 record only the pid,
 * so everything else is read only where it exists.
 */
struct trace_event_raw_mark_victim___mg {
	int pid;
	__u32 __data_loc_comm;
	unsigned long anon_rss;
	unsigned long file_rss;
	unsigned long shmem_rss;
} __attribute__((preserve_access_index));

/*
 * The marked thread is the process's leader unless the leader had already exited, and process_states
 * is keyed by the leader's id, so the pid usually finds the state. The victim is rarely current (that
 * is whoever allocated last), but when it is, current names the process outright.
 */
static __always_inline struct mg_state *find_victim(__u32 pid, __u32 *tgid, __u64 *start_boottime_ns)
{
	struct mg_state *s = bpf_map_lookup_elem(&process_states, &pid);
	*tgid = pid;
	if (s) {
		*start_boottime_ns = s->start_boottime_ns;
		return s;
	}

	struct task_struct *task = bpf_get_current_task_btf();
	if (BPF_CORE_READ(task, pid) != pid)
		return NULL;
	__u32 leader = BPF_CORE_READ(task, tgid);
	*tgid = leader;
	*start_boottime_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	s = bpf_map_lookup_elem(&process_states, &leader);
	if (s)
		*start_boottime_ns = s->start_boottime_ns;
	return s;
}

static __always_inline void report_oom_kill(struct trace_event_raw_mark_victim___mg *ctx, __u32 pid)
{
	struct mg_oom_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		COUNT(ring_drops);
		return;
	}
	__builtin_memset(e, 0, sizeof(*e)); /* ring-buffer space is not zeroed */

	__u32 tgid = pid;
	__u64 start = 0;
	struct mg_state *s = find_victim(pid, &tgid, &start);
	e->type = MG_EVENT_OOM_KILL;
	e->tgid = tgid;
	e->pid = pid;
	e->start_boottime_ns = start;
	e->time_ns = bpf_ktime_get_ns();
	if (s)
		__builtin_memcpy(e->comm, s->comm, MG_COMM_LEN);
	else if (bpf_core_field_exists(ctx->__data_loc_comm))
		bpf_probe_read_kernel_str(e->comm, MG_COMM_LEN, (void *)ctx + (ctx->__data_loc_comm & 0xffff));
	if (bpf_core_field_exists(ctx->anon_rss)) {
		e->anon_rss_kb = ctx->anon_rss;
		e->file_rss_kb = ctx->file_rss;
		e->shmem_rss_kb = ctx->shmem_rss;
		e->rss_known = 1;
	}
	bpf_ringbuf_submit(e, 0);
	COUNT(oom_kills);
}

/* Optional: the loader leaves it out, with a warning, on a kernel without the tracepoint. */
SEC("tracepoint/oom/mark_victim")
int on_oom_kill(struct trace_event_raw_mark_victim___mg *ctx)
{
	if (!bpf_core_type_exists(struct trace_event_raw_mark_victim___mg))
		return 0;
	report_oom_kill(ctx, ctx->pid);
	return 0;
}
