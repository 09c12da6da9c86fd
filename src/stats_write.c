#include <event2/event.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "conn.h"
#include "dispatch.h"
#include "log.h"
#include "resp.h"
#include "settings.h"
#include "stats.h"
#include "stats_write.h"
#include "storage.h"
#include "thread.h"
#include "trace.h"

#define LOAD(field) ((unsigned long long)__atomic_load_n(&server_stats.field, __ATOMIC_RELAXED))

/* Writes the general "stats" reply, in memcached's order. */
static void stats_general(struct resp *out, struct storage *storage)
{
	struct thread_stats ts;
	struct storage_stats ss = { 0 };
	struct rusage usage;
	rel_time_t now = clock_now();

	thread_stats_aggregate(&ts);
	if (storage != NULL)
		storage_stats(storage, &ss);
	getrusage(RUSAGE_SELF, &usage);
	resp_printf(out,
		    "STAT pid %d\r\n"
		    "STAT uptime %u\r\n"
		    "STAT time %lld\r\n"
		    "STAT version %s\r\n"
		    "STAT libevent %s\r\n"
		    "STAT pointer_size %d\r\n"
		    "STAT rusage_user %ld.%06ld\r\n"
		    "STAT rusage_system %ld.%06ld\r\n"
		    "STAT curr_connections %llu\r\n"
		    "STAT total_connections %llu\r\n"
		    "STAT rejected_connections %llu\r\n"
		    "STAT connection_structures %llu\r\n"
		    "STAT listen_disabled_num %llu\r\n"
		    "STAT threads %d\r\n"
		    "STAT conn_yields %llu\r\n",
		    (int)getpid(), now - 2, (long long)clock_process_started() + now, MCSCOPE_VERSION,
		    event_get_version(), (int)(8 * sizeof(void *)),
		    (long)usage.ru_utime.tv_sec, (long)usage.ru_utime.tv_usec,
		    (long)usage.ru_stime.tv_sec, (long)usage.ru_stime.tv_usec,
		    LOAD(curr_conns), LOAD(total_conns), LOAD(rejected_conns), LOAD(conn_structures),
		    LOAD(listen_disabled_num), num_workers, (unsigned long long)ts.conn_yields);
#define STATS_LINE_(name) \
	if (strcmp(#name, "conn_yields") != 0) \
		resp_printf(out, "STAT " #name " %llu\r\n", (unsigned long long)ts.name);
	STATS_THREAD_FIELDS(STATS_LINE_)
#undef STATS_LINE_
	resp_printf(out,
		    "STAT limit_maxbytes %llu\r\n"
		    "STAT curr_items %llu\r\n"
		    "STAT total_items %llu\r\n"
		    "STAT bytes %llu\r\n"
		    "STAT evictions %llu\r\n"
		    "STAT reclaimed %llu\r\n"
		    "STAT expired_unfetched %llu\r\n"
		    "STAT evicted_unfetched %llu\r\n"
		    "STAT trace_events %llu\r\n"
		    "STAT trace_dropped %llu\r\n"
		    "STAT trace_clients %llu\r\n"
		    "STAT trace_refused %llu\r\n"
		    "STAT trace_trims %llu\r\n",
		    (unsigned long long)settings.maxbytes, (unsigned long long)ss.curr_items,
		    (unsigned long long)ss.total_items, (unsigned long long)ss.bytes,
		    (unsigned long long)ss.evictions, (unsigned long long)ss.reclaimed,
		    (unsigned long long)ss.expired_unfetched, (unsigned long long)ss.evicted_unfetched,
		    (unsigned long long)__atomic_load_n(&trace_counters.events, __ATOMIC_RELAXED),
		    (unsigned long long)trace_dropped_total(),
		    (unsigned long long)__atomic_load_n(&trace_counters.clients, __ATOMIC_RELAXED),
		    (unsigned long long)__atomic_load_n(&trace_counters.refused, __ATOMIC_RELAXED),
		    (unsigned long long)__atomic_load_n(&trace_counters.trims, __ATOMIC_RELAXED));
}

/* Writes "stats settings". */
static void stats_settings(struct resp *out)
{
	resp_printf(out,
		    "STAT maxbytes %zu\r\n"
		    "STAT maxconns %d\r\n"
		    "STAT tcpport %d\r\n"
		    "STAT udpport %d\r\n"
		    "STAT inter %s\r\n"
		    "STAT verbosity %d\r\n"
		    "STAT num_threads %d\r\n"
		    "STAT reqs_per_event %d\r\n"
		    "STAT tcp_backlog %d\r\n"
		    "STAT item_size_max %zu\r\n"
		    "STAT dispatch %s\r\n"
		    "STAT dispatch_seed %llu\r\n"
		    "STAT trace_clients_max %d\r\n"
		    "STAT trace_buffer %zu\r\n"
		    "STAT trace_release %zu\r\n"
		    "STAT idle_timeout %d\r\n",
		    settings.maxbytes, settings.maxconns, settings.port, settings.udpport,
		    settings.inter != NULL ? settings.inter : "NULL",
		    __atomic_load_n(&log_verbosity, __ATOMIC_RELAXED), settings.num_threads,
		    settings.reqs_per_event, settings.backlog, settings.item_size_max,
		    wire_policy_name(__atomic_load_n(&dispatcher.policy, __ATOMIC_RELAXED)),
		    (unsigned long long)settings.seed, settings.trace_clients_max, settings.trace_buffer,
		    settings.trace_release, settings.idle_timeout);
}

/* Writes the reply to "stats <args>". */
int stats_write(struct resp *out, const char *args, struct storage *storage)
{
	while (args != NULL && *args == ' ')
		args++;
	if (args == NULL || *args == '\0')
		stats_general(out, storage);
	else if (strcmp(args, "settings") == 0)
		stats_settings(out);
	else if (strcmp(args, "conns") == 0)
		conn_stats_write(out);
	else if (strcmp(args, "threads") == 0)
		thread_stats_write(out);
	else
		return -1;
	resp_add_str(out, "END\r\n");
	return 0;
}
