/* parley-c-client: a visitor in C, on the installed SDK library (libparley).
 * It connects to a relay, sends the message given on the command line, prints every
 * batch of events as a JSON array on its own line, and exits 0 once the relay has
 * acknowledged the message (stored it), or 1 after --seconds (default 20) without that.
 *
 *   parley-c-client [--seconds N] URL MESSAGE
 *   parley-c-client ws://127.0.0.1:8080/ "Hello from C"
 *
 * Build it against the installed library (see README.md):
 *   cc main.c $(pkg-config --cflags --libs parley) -o parley-c-client
 */
#include <parley/native_c_api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A JSON string literal of `text` (quotes and backslashes escaped; control characters
 * dropped): enough for a command-line message. */
static char* json_string(const char* text) {
    char* out = malloc(strlen(text) * 2 + 3);
    char* o = out;
    *o++ = '"';
    for (const char* p = text; *p; ++p) {
        if ((unsigned char)*p < 0x20) continue;
        if (*p == '"' || *p == '\\') *o++ = '\\';
        *o++ = *p;
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

static double seconds_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
    int seconds = 20;
    const char* url = NULL;
    const char* message = NULL;
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = atoi(argv[++i]);
        else if (!url) url = argv[i];
        else if (!message) message = argv[i];
    }
    if (!url || !message || seconds <= 0) {
        fprintf(stderr, "usage: parley-c-client [--seconds N] URL MESSAGE\n");
        return 2;
    }

    /* "instance" must be unique per client instance: it prefixes the message ids. */
    char config[160];
    snprintf(config, sizeof config, "{\"role\":\"visitor\",\"instance\":\"c-%ld\",\"name\":\"C example\"}",
             (long)getpid());
    const char* error = NULL;
    parley_connection* connection = parley_connection_new(url, config, NULL, &error);
    if (!connection) {
        fprintf(stderr, "parley-c-client: %s\n", error);
        return 2;
    }
    if (parley_connection_start(connection) != 0) {
        fprintf(stderr, "parley-c-client: cannot start: %s\n", parley_connection_last_error(connection));
        parley_connection_free(connection);
        return 1;
    }

    /* Queued now, sent after the relay's welcome, resent after a reconnect until acked.
     * "conv": "" is the visitor's own conversation (the relay opens it). */
    char* text = json_string(message);
    char* action = malloc(strlen(text) + 48);
    sprintf(action, "{\"do\":\"send\",\"conv\":\"\",\"text\":%s}", text);
    const int refused = parley_connection_act(connection, action);
    free(action);
    free(text);
    if (refused) {
        fprintf(stderr, "parley-c-client: send refused with %d\n", refused);
        parley_connection_free(connection);
        return 1;
    }

    int acked = 0;
    const double end = seconds_now() + seconds;
    while (!acked && seconds_now() < end) {
        parley_connection_poll(connection, 100);
        const char* events = parley_connection_take_events(connection);
        if (strcmp(events, "[]") == 0) continue;
        printf("%s\n", events);
        fflush(stdout);
        acked = strstr(events, "\"event\":\"ack\"") != NULL;
    }
    parley_connection_free(connection); /* closes with 1000 */
    if (!acked) fprintf(stderr, "parley-c-client: no acknowledgement within %d s\n", seconds);
    return acked ? 0 : 1;
}
