/* mcscope with no command: the live dashboard. */
#include "cmd.h"
#include "dashboard.h"

/* Runs the dashboard on the target's socket. */
static int dashboard_exec(struct cmd_ctx *ctx)
{
	ctx->screen.socket_path = ctx->socket_path;
	return dashboard_run(&ctx->screen);
}

const struct cmd_entry cmd_dashboard_entry = {
	.name = NULL,
	.summary = "the live dashboard",
	.usage = "[--socket PATH | -p PORT] [--once | --frames N] [--size COLSxROWS] [-d TENTHS] "
		 "[--no-mouse]",
	.text = "The live dashboard: the main thread's dispatch, every worker's queue and notify "
		"pipe, and every connection's drive_machine state. '?' lists the keys.\n"
		"'mcscope demo' starts a server and a workload to watch.",
	.exit_status = "Exit status: 0 on q, Ctrl-C or the last frame; 64 bad command line; 69 no "
		       "server on the socket.",
	.flags = CMD_TARGET | CMD_SCREEN | CMD_STOP,
	.exec = dashboard_exec,
};
