/*
 * fuzz_dict.c: writes a libFuzzer dictionary made from wire.h's tables, so
 * that the fuzz targets know the protocol's words without a second list of
 * them: "trace" for the event lines (event_parse, replay, export), "ctl"
 * for the control commands (ctl_parse).
 *
 * usage: fuzz_dict trace|ctl > NAME.dict
 */
#include <stdio.h>
#include <string.h>

#include "wire.h"

/* Writes one dictionary entry: prefix name suffix, quoted. */
static void word(const char *prefix, const char *name, const char *suffix)
{
	printf("\"%s%s%s\"\n", prefix, name, suffix);
}

/* Writes an entry for each of a table's count names, name_of(i) cast to the table's enum. */
#define WORDS(prefix, count, name_of, type, suffix)  \
	for (int i_ = 0; i_ < (count); i_++)         \
		word(prefix, name_of((type)i_), suffix)

/* The names every line may carry as values: states, policies, threads. */
static void values(void)
{
	WORDS("", conn_max_state, wire_state_name, enum conn_states, "");
	WORDS("", DISPATCH_MAX, wire_policy_name, enum dispatch_policy, "");
	word("", "main", "");
	word("", "w0", "");
}

/* The trace lines' words: events, keys and their values, answers. */
static void trace_words(void)
{
	WORDS(" ev=", EVT_MAX, wire_event_name, enum wire_event, " ");
	WORDS(" ", WIRE_KEY_COUNT, wire_key_name, enum wire_key, "=");
	WORDS("", TRANSPORT_MAX, wire_transport_name, enum transport, "");
	WORDS("", CLOSE_MAX, wire_close_reason_name, enum close_reason, "");
	WORDS("", ACCEPT_PAUSE_MAX, wire_accept_pause_name, enum accept_pause_reason, "");
	values();
	word("", "ok ", "");
	word("", "error ", "");
}

/* The control commands' words: the commands, their arguments' names. */
static void ctl_words(void)
{
	static const char *const args[] = { "ev=", "thr=", "to=", "state", "off" };

	WORDS("", CTL_MAX, wire_ctl_name, enum wire_ctl, " ");
	WORDS("", EVT_MAX, wire_event_name, enum wire_event, ",");
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		word("", args[i], "");
	values();
}

/* Writes the dictionary argv[1] names. */
int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "trace") == 0) {
		trace_words();
	} else if (argc == 2 && strcmp(argv[1], "ctl") == 0) {
		ctl_words();
	} else {
		fprintf(stderr, "usage: fuzz_dict trace|ctl\n");
		return 64;
	}
	return ferror(stdout) ? 1 : 0;
}
