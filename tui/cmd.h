/*
 * cmd.h: the mcscope subcommands. Each takes its own argv (argv[0] is
 * "mcscope <name>"), prints its own --help, and returns the exit status.
 */
#ifndef MCSCOPE_TUI_CMD_H
#define MCSCOPE_TUI_CMD_H

/* mcscope events: prints the live stream. */
int cmd_events(int argc, char **argv);

/* mcscope ctl: sends control commands and prints the answers. */
int cmd_ctl(int argc, char **argv);

/* mcscope record: saves the stream to a file. */
int cmd_record(int argc, char **argv);

/* mcscope with no command: the live dashboard. */
int cmd_dashboard(int argc, char **argv);

/* mcscope export: converts a recorded trace. */
int cmd_export(int argc, char **argv);

/* mcscope replay: the dashboard over a recorded trace. */
int cmd_replay(int argc, char **argv);

/* mcscope demo: a private server and workload on the dashboard. */
int cmd_demo(int argc, char **argv);

/* mcscope load: runs a workload against the server and prints the summary. */
int cmd_load(int argc, char **argv);

#endif
