/*
 * cli.h: what the mcscope commands' command lines share: exit statuses,
 * how an option is declared, the --socket/-p options that pick a server,
 * and parsing numbers with messages that name the flag.
 */
#ifndef MCSCOPE_TUI_CLI_H
#define MCSCOPE_TUI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses besides 0 and 1 (sysexits.h's values). */
#define CLI_EXIT_USAGE 64       /* a bad command line */
#define CLI_EXIT_DATAERR 65     /* export: the input is not a trace */
#define CLI_EXIT_NOINPUT 66     /* export: the input cannot be opened */
#define CLI_EXIT_UNAVAILABLE 69 /* no server on the socket, or it turned us away */
#define CLI_EXIT_CANTCREAT 73   /* an output file cannot be made */

/* One option, as a command declares it; a table of them ends with { NULL }. */
struct cli_option {
	const char *name;  /* the long name, without "--" */
	char letter;       /* the short letter, or 0 */
	const char *arg;   /* the argument's name in the help; NULL: a flag without one */
	const char *help;  /* what it does; the help wraps it ('\n' breaks a line) */
};

/* The options that pick a server, by index in cli_target_options. */
enum { CLI_TARGET_SOCKET, CLI_TARGET_PORT, CLI_TARGET_N };

/* --socket PATH and -p/--port PORT. */
extern const struct cli_option cli_target_options[];

/*
 * Works out the server's trace socket from the --socket and -p values
 * given (NULL when not) into path (n bytes): the path, else the port's
 * default path (client_socket_path). Returns 0, or CLI_EXIT_USAGE with a
 * message when a value is bad or both are given.
 */
int cli_target_path(const char *socket, const char *port, char *path, size_t n);

/* Parses a decimal number in [lo, hi] for flag; false with a message naming the flag and range. */
bool cli_parse_double(const char *flag, const char *arg, double lo, double hi, double *out);

/* Parses a whole number in [lo, hi] for flag; false with a message naming the flag and range. */
bool cli_parse_uint(const char *flag, const char *arg, uint64_t lo, uint64_t hi, uint64_t *out);

/* Prints "Try '<prog> --help'." on stderr and returns CLI_EXIT_USAGE. */
int cli_usage_error(void);

#endif
