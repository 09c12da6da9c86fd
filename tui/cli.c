#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "diag.h"

/* Makes a number's digits a string, for help texts. */
#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

const struct cli_option cli_target_options[] = {
	[CLI_TARGET_SOCKET] = { "socket", 0, "PATH", "the server's trace socket" },
	[CLI_TARGET_PORT] = { "port", 'p', "PORT",
			      "the server's TCP port (default " CLI_STR(CLIENT_DEFAULT_PORT)
			      "), which names its socket: $XDG_RUNTIME_DIR/mcscope/PORT.sock, else "
			      "/tmp/mcscope-UID/PORT.sock" },
	{ NULL },
};

/* Works out the socket path. */
int cli_target_path(const char *socket, const char *port, char *path, size_t n)
{
	int number = CLIENT_DEFAULT_PORT;
	char *end;
	long v;

	if (socket != NULL && socket[0] == '\0') {
		diag_error("--socket: empty path");
		return cli_usage_error();
	}
	if (port != NULL) {
		errno = 0;
		v = strtol(port, &end, 10);
		if (errno != 0 || end == port || *end != '\0' || v < 1 || v > 65535) {
			diag_error("-p: invalid port '%s' (allowed: 1-65535)", port);
			return cli_usage_error();
		}
		number = (int)v;
	}
	if (socket != NULL && port != NULL) {
		diag_error("--socket and -p name the server twice; give one");
		return cli_usage_error();
	}
	if (client_socket_path(path, n, socket, number) != 0)
		return CLI_EXIT_USAGE;
	return 0;
}

/* Prints the pointer to --help. */
int cli_usage_error(void)
{
	fprintf(stderr, "Try '%s --help'.\n", diag_prog());
	return CLI_EXIT_USAGE;
}

/* Parses a decimal number. */
bool cli_parse_double(const char *flag, const char *arg, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(v >= lo && v <= hi)) {
		diag_error("%s: '%s' is not a number from %.10g to %.10g", flag, arg, lo, hi);
		return false;
	}
	*out = v;
	return true;
}

/* Parses a whole number. */
bool cli_parse_uint(const char *flag, const char *arg, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' || v < lo || v > hi) {
		diag_error("%s: '%s' is not a whole number from %" PRIu64 " to %" PRIu64, flag, arg, lo, hi);
		return false;
	}
	*out = v;
	return true;
}
