#include <curses.h>

#include "theme.h"

static int attrs[ROLE_MAX];

/* Sets a role's colours (fg on the default background) and extra attributes. */
static void role_color(int role, short fg256, short fg16, int extra)
{
	short fg = COLORS >= 256 ? fg256 : fg16;

	init_pair((short)(role + 1), fg, -1);
	attrs[role] = COLOR_PAIR(role + 1) | extra;
}

/* The high-contrast theme: bold, saturated dark colours on a white screen, nothing dimmed, since a
 * projector in a bright room washes out dim text, greys and dark backgrounds. */
static void theme_contrast(void)
{
	static const short state256[conn_max_state] = { 90, 16, 19, 25, 23, 124, 130, 94, 240, 160, 240 };
	static const short state16[conn_max_state] = {
		COLOR_MAGENTA, COLOR_BLACK, COLOR_BLUE, COLOR_BLUE, COLOR_CYAN, COLOR_RED,
		COLOR_MAGENTA, COLOR_MAGENTA, COLOR_BLACK, COLOR_RED, COLOR_BLACK,
	};

	assume_default_colors(COLOR_BLACK, COLOR_WHITE);
	role_color(ROLE_TEXT, 16, COLOR_BLACK, A_BOLD);
	role_color(ROLE_DIM, 238, COLOR_BLACK, 0);
	role_color(ROLE_TITLE, 18, COLOR_BLUE, A_BOLD | A_UNDERLINE);
	attrs[ROLE_HEADER] = A_REVERSE | A_BOLD;
	init_pair((short)(ROLE_ALERT + 1), COLOR_WHITE, COLOR_RED);
	attrs[ROLE_ALERT] = COLOR_PAIR(ROLE_ALERT + 1) | A_BOLD;
	role_color(ROLE_POINTER, 124, COLOR_RED, A_BOLD);
	role_color(ROLE_NEWEST, 22, COLOR_GREEN, A_BOLD | A_UNDERLINE);
	role_color(ROLE_BAR, 130, COLOR_MAGENTA, A_BOLD);
	attrs[ROLE_SELECTED] = A_REVERSE | A_BOLD;
	for (int st = 0; st < conn_max_state; st++)
		role_color(ROLE_STATE + st, state256[st], state16[st], A_BOLD);
}

/* Sets the theme up. */
void theme_init(enum dashboard_theme theme, bool color)
{
	/* Monochrome: bold, reverse, underline and dim keep every role apart. */
	for (int r = 0; r < ROLE_MAX; r++)
		attrs[r] = A_NORMAL;
	attrs[ROLE_DIM] = A_DIM;
	attrs[ROLE_TITLE] = A_BOLD | A_UNDERLINE;
	attrs[ROLE_HEADER] = A_REVERSE;
	attrs[ROLE_ALERT] = A_REVERSE | A_BOLD | A_BLINK;
	attrs[ROLE_POINTER] = A_BOLD;
	attrs[ROLE_NEWEST] = A_BOLD;
	attrs[ROLE_BAR] = A_BOLD;
	attrs[ROLE_SELECTED] = A_REVERSE;
	attrs[ROLE_STATE + conn_nread] = A_UNDERLINE;
	attrs[ROLE_STATE + conn_write] = A_BOLD;
	attrs[ROLE_STATE + conn_mwrite] = A_BOLD;
	attrs[ROLE_STATE + conn_closing] = A_DIM;
	attrs[ROLE_STATE + conn_closed] = A_DIM;
	if (!color || theme == THEME_MONO || !has_colors())
		return;
	start_color();
	if (theme == THEME_CONTRAST) {
		theme_contrast();
		return;
	}
	use_default_colors();
	role_color(ROLE_TEXT, -1, -1, 0);
	role_color(ROLE_DIM, 244, COLOR_WHITE, A_DIM);
	role_color(ROLE_TITLE, 75, COLOR_CYAN, A_BOLD);
	attrs[ROLE_HEADER] = A_REVERSE | A_BOLD;
	role_color(ROLE_ALERT, 196, COLOR_RED, A_BOLD | A_REVERSE);
	role_color(ROLE_POINTER, 220, COLOR_YELLOW, A_BOLD);
	role_color(ROLE_NEWEST, 118, COLOR_GREEN, A_BOLD);
	role_color(ROLE_BAR, 214, COLOR_YELLOW, 0);
	attrs[ROLE_SELECTED] = A_REVERSE;
	/* A colour per drive_machine state: reading ones cool, writing ones warm, the end grey. */
	static const short state256[conn_max_state] = { 141, 250, 39, 45, 51, 208, 214, 178, 244, 202, 240 };
	static const short state16[conn_max_state] = {
		COLOR_MAGENTA, COLOR_WHITE, COLOR_BLUE, COLOR_CYAN, COLOR_CYAN, COLOR_RED,
		COLOR_YELLOW, COLOR_YELLOW, COLOR_WHITE, COLOR_RED, COLOR_WHITE,
	};
	for (int st = 0; st < conn_max_state; st++)
		role_color(ROLE_STATE + st, state256[st], state16[st], (int)
			   (st == conn_closing || st == conn_closed ? A_DIM : 0U));
}

/* Returns a role's attributes. */
int theme_attr(int role)
{
	return role >= 0 && role < ROLE_MAX ? attrs[role] : (int)A_NORMAL;
}
