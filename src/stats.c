#include "stats.h"

struct server_stats server_stats;
