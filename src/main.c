/* mcscoped: a memcached-style server that shows its threading model. */
#include <stdlib.h>

#include "server.h"
#include "settings.h"

/* Exit status for a bad command line (sysexits' EX_USAGE). */
#define EXIT_USAGE 64

/* Parses the flags and runs the server. */
int main(int argc, char **argv)
{
	int rc;

	settings_init(&settings);
	rc = settings_parse(&settings, argc, argv);
	if (rc != 0) {
		settings_destroy(&settings);
		return rc > 0 ? EXIT_SUCCESS : EXIT_USAGE;
	}
	rc = server_run(&settings);
	settings_destroy(&settings);
	return rc;
}
