/* cmd_help.c: every mcscope help text, made from the command table. */
#include <string.h>

#include "cmd.h"
#include "diag.h"

/* The longest line a help text has. */
#define HELP_WIDTH 79
/* An option whose "  -x, --name ARG" is longer than this has its help on the next line. */
#define HELP_LEFT_MAX 22
/* The longest help text, expanded. */
#define HELP_TEXT_MAX 8192

/* Writes what %{name} (n bytes of name) stands for into buf; diag_fatal when values lack it. */
static const char *value_of(const struct cmd_value *values, const char *name, size_t n, char *buf,
			    size_t cap)
{
	for (size_t i = 0; values != NULL && values[i].name != NULL; i++) {
		const struct cmd_value *v = &values[i];

		if (strlen(v->name) != n || memcmp(v->name, name, n) != 0)
			continue;
		if (v->text != NULL)
			return v->text(buf, cap);
		snprintf(buf, cap, "%.10g", v->number);
		return buf;
	}
	diag_fatal("a help text names %%{%.*s}, which its entry does not define", (int)n, name);
}

/* Copies text into out (cap bytes), each %{name} replaced by its value. */
static void expand(const char *text, const struct cmd_value *values, char *out, size_t cap)
{
	size_t at = 0;

	while (*text != '\0' && at + 1 < cap) {
		const char *close;

		if (text[0] == '%' && text[1] == '{' && (close = strchr(text, '}')) != NULL) {
			char buf[1024];
			const char *v = value_of(values, text + 2, (size_t)(close - text - 2), buf, sizeof(buf));
			size_t n = strlen(v);

			if (n > cap - 1 - at)
				n = cap - 1 - at;
			memcpy(out + at, v, n);
			at += n;
			text = close + 1;
			continue;
		}
		out[at++] = *text++;
	}
	out[at] = '\0';
}

/* Prints n spaces. */
static void spaces(FILE *out, int n)
{
	fprintf(out, "%*s", n, "");
}

/* Wraps text. */
void cmd_help_wrap(FILE *out, const char *text, int col, int indent, const struct cmd_value *values)
{
	static char buf[HELP_TEXT_MAX];
	const char *p = buf;
	bool first = true;

	expand(text, values, buf, sizeof(buf));
	for (;;) {
		const char *end = strchr(p, '\n');
		const char *q = p;
		int lead, line_start;

		if (end == NULL)
			end = p + strlen(p);
		if (!first) {
			fputc('\n', out);
			col = 0;
			if (end == p)
				goto next; /* an empty line stays empty, without trailing spaces */
			spaces(out, indent);
			col = indent;
		}
		/* Spaces at the start of a line are kept: they indent it further. */
		while (q < end && *q == ' ')
			q++;
		lead = (int)(q - p);
		spaces(out, lead);
		col += lead;
		line_start = col;
		while (q < end) {
			const char *word = q, *word_end;
			int gap, len;

			while (word < end && *word == ' ')
				word++;
			gap = (int)(word - q);
			for (word_end = word; word_end < end && *word_end != ' ';)
				word_end++;
			len = (int)(word_end - word);
			if (len == 0)
				break; /* trailing spaces are dropped */
			if (col > line_start && col + gap + len > HELP_WIDTH) {
				fputc('\n', out);
				spaces(out, indent + lead);
				col = line_start = indent + lead;
				gap = 0;
			}
			fprintf(out, "%*s%.*s", gap, "", len, word);
			col += gap + len;
			q = word_end;
		}
next:
		if (*end == '\0')
			return;
		p = end + 1;
		first = false;
	}
}

/* The width of an option's "  -x, --name ARG". */
static int option_left(const struct cli_option *o)
{
	return 8 + (int)strlen(o->name) + (o->arg != NULL ? 1 + (int)strlen(o->arg) : 0);
}

/* Prints the options. */
void cmd_help_options(FILE *out, const struct cli_option *const *blocks, size_t nblocks,
		      const struct cmd_value *values)
{
	int column = 0;

	for (size_t b = 0; b < nblocks; b++)
		for (size_t i = 0; blocks[b] != NULL && blocks[b][i].name != NULL; i++) {
			int left = option_left(&blocks[b][i]);
			if (left <= HELP_LEFT_MAX && left + 2 > column)
				column = left + 2;
		}
	for (size_t b = 0; b < nblocks; b++) {
		for (size_t i = 0; blocks[b] != NULL && blocks[b][i].name != NULL; i++) {
			const struct cli_option *o = &blocks[b][i];
			int left = option_left(o);

			if (o->letter != 0)
				fprintf(out, "  -%c, --%s", o->letter, o->name);
			else
				fprintf(out, "      --%s", o->name);
			if (o->arg != NULL)
				fprintf(out, " %s", o->arg);
			if (left + 2 <= column) {
				spaces(out, column - left);
			} else {
				fputc('\n', out);
				spaces(out, column);
			}
			cmd_help_wrap(out, o->help, column, column, values);
			fputc('\n', out);
		}
	}
}

/* Prints the synopses, each wrapped between its top-level words and [...] groups. */
static void usage(FILE *out, const char *prog, const char *synopses)
{
	const char *p = synopses;
	bool first = true;

	for (;;) {
		const char *end = strchr(p, '\n');
		int indent, col;

		if (end == NULL)
			end = p + strlen(p);
		fprintf(out, "%s%s", first ? "Usage: " : "       ", prog);
		indent = col = 7 + (int)strlen(prog) + 1;
		while (p < end) {
			const char *word = p, *word_end;
			int depth = 0, len;

			while (word < end && *word == ' ')
				word++;
			for (word_end = word; word_end < end && (*word_end != ' ' || depth > 0); word_end++)
				depth += (*word_end == '[') - (*word_end == ']');
			len = (int)(word_end - word);
			if (len == 0)
				break;
			if (col > indent && col + 1 + len > HELP_WIDTH) {
				fputc('\n', out);
				spaces(out, indent - 1);
				col = indent - 1;
			}
			fprintf(out, " %.*s", len, word);
			col += 1 + len;
			p = word_end;
		}
		fputc('\n', out);
		if (*end == '\0')
			return;
		p = end + 1;
		first = false;
	}
}

/* Prints e's help. */
void cmd_help(const struct cmd_entry *e, FILE *out)
{
	const struct cli_option *blocks[CMD_BLOCKS];
	char prog[64];

	usage(out, cmd_prog(e, prog, sizeof(prog)), e->usage);
	cmd_help_wrap(out, e->text, 0, 0, e->values);
	fputs("\n\n", out);
	cmd_option_blocks(e, blocks);
	cmd_help_options(out, blocks, CMD_BLOCKS, e->values);
	if (e->notes != NULL) {
		fputc('\n', out);
		cmd_help_wrap(out, e->notes, 0, 0, e->values);
		fputc('\n', out);
	}
	fputc('\n', out);
	cmd_help_wrap(out, e->exit_status, 0, 0, e->values);
	fputc('\n', out);
}

/* Lists the commands. */
void cmd_help_commands(FILE *out)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++)
		if (cmd_table[i]->name != NULL)
			fprintf(out, "  %-8s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
}
