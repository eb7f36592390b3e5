/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Data shared between the kernel side (memgrowth.bpf.c) and user space (src/NodeAgent/Probe).
 * This header is the source of truth for every layout: the C# mirrors are checked against it
 * byte for byte by tests/NodeAgent.Tests/Probe/EventLayoutTests.cs. Plain data only.
 */
#ifndef MEMGROWTH_H
#define MEMGROWTH_H

#define MG_COMM_LEN 16

/* Indexes of mm->rss_stat[], as in the kernel's enum (MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES). */
enum mg_member {
	MG_FILE = 0,
	MG_ANON = 1,
	MG_SWAP = 2,
	MG_SHMEM = 3,
	MG_MEMBERS = 4,
};

enum mg_event_type {
	MG_EVENT_SEEN = 1,   /* first RSS change of a process; carries its first sample */
	MG_EVENT_SAMPLE = 2, /* coalesced sample: at most one per process per interval */
	MG_EVENT_EXIT = 3,   /* the thread group is dead; its state is gone from process_states */
	MG_EVENT_OOM_KILL = 4, /* the OOM killer chose the process (struct mg_oom_event); its exit follows */
};

/* One ring-buffer record. 96 bytes, no hidden padding. */
struct mg_event {
	__u32 type;              /* enum mg_event_type */
	__u32 tgid;
	__u64 start_boottime_ns; /* leader's start, boot clock: (tgid, start) names one process */
	__u64 time_ns;           /* CLOCK_MONOTONIC when the sample was taken */
	__u64 first_seen_ns;     /* CLOCK_MONOTONIC of the first RSS change seen */
	__s64 pages[MG_MEMBERS]; /* file, anon, swap, shmem in pages (approximate counters, clamped at 0) */
	__u64 peak_pages;        /* highest file + anon + shmem seen at a sample */
	__u64 cgroup_id;         /* cgroup v2 id of the owner when first seen */
	char comm[MG_COMM_LEN];
};

/*
 * The OOM killer marked a victim (oom:mark_victim). Its own record, 72 bytes, no hidden padding: the
 * type comes first, as in mg_event, so a reader can tell the two apart by it.
 */
struct mg_oom_event {
	__u32 type;              /* MG_EVENT_OOM_KILL */
	__u32 tgid;              /* the victim's process; the thread's id when the probe could not tell it */
	__u64 start_boottime_ns; /* as in mg_event; 0 when the process was unknown to the probe */
	__u64 time_ns;           /* CLOCK_MONOTONIC of the kill */
	__u64 anon_rss_kb;       /* the victim's RSS at the kill, in kB, as the tracepoint reports it ... */
	__u64 file_rss_kb;
	__u64 shmem_rss_kb;
	__u32 pid;               /* the thread the kernel marked (the leader, unless it had exited) */
	__u32 rss_known;         /* ... when 1: kernels before 6.8 report only the pid, and these are 0 */
	char comm[MG_COMM_LEN];
};

/* Settings, one read-only struct in its own .rodata.config section, filled in by the loader before load. */
struct mg_config {
	__u64 interval_jiffies;  /* coalescing interval: at most one sample per process per interval */
	__s64 min_delta_pages;   /* a sample is sent only when RSS + swap moved by at least this */
	__u64 wakeup_bytes;      /* wake user space only when this much is waiting in the ring buffer */
};

/* Value of process_states, keyed by tgid (__u32). */
struct mg_state {
	__u64 start_boottime_ns;
	__u64 first_seen_ns;
	__u64 last_check_jiffies; /* last time the counters were read */
	__u64 last_emit_ns;
	__s64 pages[MG_MEMBERS]; /* as of the last emitted sample */
	__u64 peak_pages;
	__u64 cgroup_id;
	__u64 mm;                /* address of the mm_struct, for the trailing-edge flush; never dereferenced directly */
	__u32 dirty;             /* RSS changed since the last emitted sample */
	__u32 pad;
	char comm[MG_COMM_LEN];
};

/* Per-CPU counters; user space sums over CPUs. */
struct mg_stats {
	__u64 hits;          /* rss_stat tracepoint hits */
	__u64 samples;       /* sample events written to the ring buffer (seen + sample + flush) */
	__u64 ring_drops;    /* events lost because the ring buffer was full */
	__u64 map_full;      /* new processes not tracked because process_states was full */
	__u64 unattributed;  /* curr == 0 events on a live mm with no owner to charge */
	__u64 teardown;      /* events on an mm being torn down (exit, exec): nobody to charge */
	__u64 exits;         /* exit events written */
	__u64 flushes;       /* trailing-edge samples written by the periodic flush */
	__u64 oom_kills;     /* OOM-kill events written (oom:mark_victim) */
};

/* Value of the per-CPU "stats" map: the counters, then the CPU's last-process cache (kernel only). */
struct mg_cpu {
	struct mg_stats stats;
	__u64 last_mm;
	__u64 last_jiffies;
	__u32 last_tgid;
	__u32 pad;
};

#endif /* MEMGROWTH_H */
