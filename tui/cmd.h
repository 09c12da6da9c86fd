/*
 * cmd.h: the mcscope commands as one table, after tmux's struct
 * cmd_entry: each command declares its name, usage, options and help
 * texts, what it needs before it runs (a server's socket, a connection,
 * the dashboard's screen options, stopping on signals) and its functions.
 * cmd_run parses every command line, prints every --help (cmd_help.c) and
 * connects for every command that talks to a server, in one place.
 */
#ifndef MCSCOPE_TUI_CMD_H
#define MCSCOPE_TUI_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "client.h"
#include "dashboard_opts.h"

/* The most options one entry declares of its own. */
#define CMD_OPTIONS_MAX 16

/* How long a server has to send its first line after accepting. */
#define CMD_GREETING_TIMEOUT_S 10

/* What a command needs before it runs. */
enum cmd_flags {
	/* SIGINT, SIGTERM and SIGHUP ask it to stop (stop.h) instead of killing it. */
	CMD_STOP = 1 << 0,
	/* --socket PATH | -p PORT pick a server: ctx->socket_path. */
	CMD_TARGET = 1 << 1,
	/* Connected to it before exec (ctx->client), its first line read and not a refusal. */
	CMD_CONNECT = 1 << 2 | CMD_TARGET | CMD_STOP,
	/* The dashboard's screen options (ctx->screen); live mode needs a terminal. */
	CMD_SCREEN = 1 << 3,
	/* Options end at the first operand (ctl: its command's words are not options). */
	CMD_OPTIONS_FIRST = 1 << 4,
	/* The screen options are taken (ctx->screen) but a terminal is not required: only some of its actions show the dashboard, and they check. */
	CMD_SCREEN_OPTS = 1 << 5,
};

/* A number or a text that an entry's help texts name as %{name}; a table of them ends with { NULL }. */
struct cmd_value {
	const char *name;
	double number;                             /* printed with %.10g, when text is NULL */
	const char *(*text)(char *buf, size_t n);  /* writes the text into buf and returns it */
};

struct cmd_ctx;

struct cmd_entry {
	const char *name;           /* NULL: the dashboard, what mcscope runs without a command */
	const char *summary;        /* its line in 'mcscope --help' */
	const char *usage;          /* its synopses after "mcscope NAME", one per line */
	const char *text;           /* what it does */
	const struct cli_option *options; /* its own (at most CMD_OPTIONS_MAX); --help is added */
	const char *notes;          /* after the options, or NULL */
	const char *exit_status;    /* "Exit status: ..." */
	const struct cmd_value *values; /* what %{name} in those texts stands for, or NULL */
	unsigned flags;             /* enum cmd_flags */
	int args_min, args_max;     /* how many operands it takes (args_max -1: any number) */
	const char *args_missing;   /* the message when there are fewer than args_min */
	size_t state_size;          /* bytes of ctx->state (zeroed) for check to fill and exec to use */
	/* Checks its options and operands before anything is connected or started; 0, or an exit status with a message. NULL: nothing to check. */
	int (*check)(struct cmd_ctx *ctx);
	/* Runs the command; returns its exit status. */
	int (*exec)(struct cmd_ctx *ctx);
};

/* What cmd_run hands a command. */
struct cmd_ctx {
	const struct cmd_entry *entry;
	const char *values[CMD_OPTIONS_MAX]; /* its own options by index: the argument ("" for a flag), NULL when not given */
	int argc;                   /* the operands */
	char **argv;
	void *state;
	char socket_path[sizeof(((struct client *)0)->path)]; /* CMD_TARGET: the server's trace socket */
	struct client *client;      /* CMD_CONNECT: connected, stopped by stop.h */
	const char *greeting;       /* CMD_CONNECT: the server's first line, in client's buffer until the next read */
	size_t greeting_len;
	struct dashboard_opts screen; /* CMD_SCREEN */
};

/* The option blocks of an entry, in the order its help lists them. */
enum { CMD_BLOCK_TARGET, CMD_BLOCK_OWN, CMD_BLOCK_SCREEN, CMD_BLOCK_HELP, CMD_BLOCKS };

/* Every command, the dashboard first, in the order 'mcscope --help' lists them; ends with NULL. */
extern const struct cmd_entry *const cmd_table[];

extern const struct cmd_entry cmd_dashboard_entry;
extern const struct cmd_entry cmd_demo_entry;
extern const struct cmd_entry cmd_events_entry;
extern const struct cmd_entry cmd_ctl_entry;
extern const struct cmd_entry cmd_record_entry;
extern const struct cmd_entry cmd_replay_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_load_entry;
extern const struct cmd_entry cmd_lab_entry;

/* Writes the command's name as messages and help give it, "mcscope NAME" or "mcscope", into buf; returns buf. */
const char *cmd_prog(const struct cmd_entry *e, char *buf, size_t n);

/* Finds a command by name; NULL when there is none. */
const struct cmd_entry *cmd_find(const char *name);

/* Fills blocks with the entry's option tables (NULL for a block it lacks): the target's, its own, the screen's, --help. */
void cmd_option_blocks(const struct cmd_entry *e, const struct cli_option *blocks[CMD_BLOCKS]);

/*
 * Runs entry e with argv (argv[0] is replaced by "mcscope NAME", which
 * prefixes every message): parses the options, prints the help when
 * asked, checks the operands, the target and the screen options, runs
 * check, sets up stopping, connects, then runs exec. Returns the exit
 * status.
 */
int cmd_run(const struct cmd_entry *e, int argc, char **argv);

/*
 * What a command that follows the stream makes of the read (rc, 0 or below)
 * that ended it: 0 for a stop signal or the server closing the stream (said
 * on stderr), 1 with a message for a failed read.
 */
int cmd_stream_ended(const struct client *c, int rc);

/* ---- cmd_help: help texts made from the table ---- */

/* Prints e's help: usage, text, options, notes and exit statuses. */
void cmd_help(const struct cmd_entry *e, FILE *out);

/* Prints "  NAME     summary" for each command. */
void cmd_help_commands(FILE *out);

/* Prints the options of the blocks (NULL ones skipped) as a table, their help wrapped beside them. */
void cmd_help_options(FILE *out, const struct cli_option *const *blocks, size_t nblocks,
		      const struct cmd_value *values);

/*
 * Prints text from column col (the caller is there), wrapping at spaces
 * so that no line is longer than the help's width and starting each
 * further line at column indent. A '\n' starts a new line, the spaces
 * after it kept; an empty line stays empty; %{name} is replaced from
 * values. Prints no final newline.
 */
void cmd_help_wrap(FILE *out, const char *text, int col, int indent, const struct cmd_value *values);

#endif
