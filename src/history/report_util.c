#include "internal/report_page.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Dates come from the database, which a damaged or foreign file can fill
 * with anything: start times are kept within years 1 to 9999, so that the
 * arithmetic on them cannot overflow and gmtime_r() always succeeds. */
#define UNIX_MIN (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define UNIX_MAX 253402300799LL   /* 9999-12-31T23:59:59Z */
#define SECONDS_PER_HOUR 3600
#define SECONDS_PER_MINUTE 60
/* "YYYY-MM-DDTHH:MM:SS": where an ISO 8601 date's offset or fraction begins. */
#define ISO_SECONDS_END 19
#define ISO_DATE_LEN 10
#define ISO_TIME_AT 11
#define ISO_HHMM_LEN 5
/* 1970-01-01 was a Thursday: day + 3 counts weekdays from a Monday. */
#define EPOCH_FROM_MONDAY 3
#define TM_YEAR_BASE 1900
#define ASCII_DEL 0x7f
#define UTF8_CONTINUATION_MASK 0xc0
#define UTF8_CONTINUATION 0x80

void rp_text(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default:
            /* Control characters are not allowed in HTML text. */
            if ((c >= ' ' && c != ASCII_DEL) || c == '\t' || c == '\n')
                putc(c, out);
        }
    }
}

void rp_text_max(FILE *out, const char *s, size_t max_chars)
{
    if (!s || max_chars == 0)
        return;
    /* Count characters by their first bytes, so that a cut never falls
     * inside one. */
    size_t chars = 0, cut = 0;
    for (size_t i = 0; s[i]; i++) {
        if (((unsigned char)s[i] & UTF8_CONTINUATION_MASK) == UTF8_CONTINUATION)
            continue;
        if (++chars == max_chars)
            cut = i;
    }
    if (chars <= max_chars) {
        rp_text(out, s);
        return;
    }
    char *head = strndup(s, cut);
    if (head) {
        rp_text(out, head);
        fputs("…", out);
    } else {
        rp_text(out, s); /* out of memory: the whole name, uncut */
    }
    free(head);
}

static int two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

void rp_datetime(FILE *out, const char *iso)
{
    if (!iso) {
        fputs("–", out);
        return;
    }
    size_t n = strlen(iso);
    if (n < ISO_TIME_AT + ISO_HHMM_LEN || iso[ISO_DATE_LEN] != 'T') {
        rp_text(out, iso);
        return;
    }
    char buf[ISO_TIME_AT + ISO_HHMM_LEN + 1];
    memcpy(buf, iso, sizeof buf - 1);
    buf[ISO_DATE_LEN] = ' ';
    buf[sizeof buf - 1] = '\0';
    rp_text(out, buf);
}

/* Day number of a proleptic Gregorian date, through timegm(). */
static bool day_of(int year, int month, int mday, int64_t *day)
{
    struct tm tm = {0};
    tm.tm_year = year - TM_YEAR_BASE;
    tm.tm_mon = month - 1;
    tm.tm_mday = mday;
    time_t t = timegm(&tm);
    /* timegm normalises 2024-02-31 into March: such a date is refused. */
    if (tm.tm_mon != month - 1 || tm.tm_mday != mday)
        return false;
    *day = (int64_t)t / RP_SECONDS_PER_DAY;
    return true;
}

bool rp_parse_day(const char *s, int64_t *day)
{
    const int max_month = 12, max_mday = 31;
    if (!s || strlen(s) < ISO_DATE_LEN || !is_digits(s, 4) || s[4] != '-' ||
        !is_digits(s + 5, 2) || s[7] != '-' || !is_digits(s + 8, 2))
        return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (y < 1 || m < 1 || m > max_month || d < 1 || d > max_mday)
        return false;
    return day_of(y, m, d, day);
}

/* Seconds east of UTC written after the seconds of an ISO 8601 date
 * ("+01:00", "-0500", "Z"); 0 when there is none. */
static int64_t utc_offset(const char *iso)
{
    if (!iso || strlen(iso) < ISO_SECONDS_END)
        return 0;
    const char *p = iso + ISO_SECONDS_END;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    if ((*p != '+' && *p != '-') || !is_digits(p + 1, 2))
        return 0;
    int sign = *p == '-' ? -1 : 1;
    int hours = two_digits(p + 1);
    const char *mm = p[3] == ':' ? p + 4 : p + 3;
    int minutes = is_digits(mm, 2) ? two_digits(mm) : 0;
    return sign * ((int64_t)hours * SECONDS_PER_HOUR + (int64_t)minutes * SECONDS_PER_MINUTE);
}

/* Floor division: days before 1970 count down, not towards zero. */
static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t rp_session_day(const history_session *ss)
{
    int64_t t = ss->start_unix;
    t = t < UNIX_MIN ? UNIX_MIN : t > UNIX_MAX ? UNIX_MAX : t;
    return floor_div(t + utc_offset(ss->date), RP_SECONDS_PER_DAY);
}

int64_t rp_monday(int64_t day)
{
    int64_t from_monday = (day + EPOCH_FROM_MONDAY) % RP_DAYS_PER_WEEK;
    if (from_monday < 0)
        from_monday += RP_DAYS_PER_WEEK;
    return day - from_monday;
}

void rp_day_string(int64_t day, char buf[RP_DAY_LEN])
{
    time_t t = (time_t)(day * RP_SECONDS_PER_DAY);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, RP_DAY_LEN, "%Y-%m-%d", &tm))
        snprintf(buf, RP_DAY_LEN, "?");
}

void rp_length(double seconds, char *buf, size_t cap)
{
    long long s = seconds > 0 ? (long long)(seconds + 0.5) : 0;
    snprintf(buf, cap, "%lld:%02lld", s / SECONDS_PER_MINUTE, s % SECONDS_PER_MINUTE);
}

int rp_percent(int64_t done, int64_t prescribed)
{
    /* More done than prescribed is shown as it is, up to a bound that
     * keeps the result an int whatever a damaged file holds. */
    const int64_t whole = 100, most = 9999;
    if (prescribed <= 0)
        return -1;
    if (done < 0)
        done = 0;
    int64_t pc = done / prescribed >= most / whole ? most : whole * done / prescribed;
    return (int)(pc > most ? most : pc);
}

/* ---- grouping ------------------------------------------------------------ */

typedef struct {
    const char *name;
    size_t i; /* an item */
} keyed;

typedef struct {
    size_t first; /* its first item */
    size_t group; /* its number in name order */
} group_start;

static int by_name_then_index(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->name != y->name) {
        if (!x->name || !y->name)
            return x->name ? 1 : -1; /* NULL first */
        int c = strcmp(x->name, y->name);
        if (c)
            return c;
    }
    return (x->i > y->i) - (x->i < y->i);
}

static int by_first(const void *a, const void *b)
{
    const group_start *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

static bool same_name(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

int rp_group(const void *items, size_t n, rp_name_fn name, rp_groups *g)
{
    int rc = FC_ERR_NOMEM;
    memset(g, 0, sizeof *g);
    keyed *keys = calloc(n ? n : 1, sizeof *keys);
    group_start *firsts = NULL;
    size_t *rank = NULL;
    g->of = calloc(n ? n : 1, sizeof *g->of);
    if (!keys || !g->of)
        goto done;
    for (size_t i = 0; i < n; i++)
        keys[i] = (keyed){name(items, i), i};
    /* Sorted by name, each name's items in order: a group starts where the
     * name changes, and its first key is its first item. */
    qsort(keys, n, sizeof *keys, by_name_then_index);
    for (size_t k = 0; k < n; k++) {
        if (k == 0 || !same_name(keys[k].name, keys[k - 1].name))
            g->n++;
        g->of[keys[k].i] = g->n - 1;
    }
    firsts = calloc(g->n ? g->n : 1, sizeof *firsts);
    rank = calloc(g->n ? g->n : 1, sizeof *rank);
    g->first = calloc(g->n ? g->n : 1, sizeof *g->first);
    if (!firsts || !rank || !g->first)
        goto done;
    for (size_t k = 0, grp = 0; k < n; k++) {
        if (k == 0 || !same_name(keys[k].name, keys[k - 1].name)) {
            firsts[grp] = (group_start){keys[k].i, grp};
            grp++;
        }
    }
    /* Then the groups are put in the order of their first items. */
    qsort(firsts, g->n, sizeof *firsts, by_first);
    for (size_t r = 0; r < g->n; r++) {
        rank[firsts[r].group] = r;
        g->first[r] = firsts[r].first;
    }
    for (size_t i = 0; i < n; i++)
        g->of[i] = rank[g->of[i]];
    rc = FC_OK;
done:
    free(rank);
    free(firsts);
    free(keys);
    return rc;
}

void rp_groups_free(rp_groups *g)
{
    if (!g)
        return;
    free(g->of);
    free(g->first);
    memset(g, 0, sizeof *g);
}
