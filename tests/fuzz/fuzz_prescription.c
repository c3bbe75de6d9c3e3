/* fuzz_prescription: prescription files (prescription_load), each checked
 * against the one routine FUZZ_ROUTINE, loaded once; every dose a file
 * gives must start at the bottom of a range inside the routine's. */
#include "fuzz_input.h"
#include "prescription.h"

static routine_t *routine;

static void load_routine(void)
{
    fc_error err = {0};
    if (routine_load(FUZZ_ROUTINE, &routine, NULL, &err) != FC_OK) {
        fprintf(stderr, "fuzz_prescription: %s\n", fc_error_message(&err));
        exit(EXIT_FAILURE);
    }
}

/* A dose starts at the bottom of its range, which lies inside the
 * routine's (the routine's own dose, fixed, when not prescribed). */
static void check_dose(const routine_exercise *ex, const routine_dose *d)
{
    FUZZ_CHECK(d->rep_min == d->repetitions && d->rep_min <= d->rep_max);
    FUZZ_CHECK(d->rep_min >= ex->rep_min && d->rep_max <= ex->rep_max);
    FUZZ_CHECK(d->hold_min == d->hold_seconds && d->hold_min <= d->hold_max);
    if (ex->kind == ROUTINE_HOLD)
        FUZZ_CHECK(d->hold_min >= ex->hold_min && d->hold_max <= ex->hold_max);
}

const fuzz_target fuzz_this = {.file_name = "prescription.yaml", .init = load_routine};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    prescription_t *p = NULL;
    routine_report report = {0};
    fc_error err = {0};
    int rc = prescription_load(fuzz_input_write(data, size), routine, &p, &report, &err);
    FUZZ_CHECK((rc == FC_OK) == (p != NULL));
    if (p != NULL) {
        FUZZ_CHECK(p->n_doses == routine->n_exercises);
        FUZZ_CHECK(prescription_exercises_run(p) <= routine->n_exercises);
        for (size_t e = 0; e < p->n_doses; e++)
            check_dose(&routine->exercises[e], &p->doses[e]);
    }
    prescription_destroy(p);
    routine_report_clear(&report);
    return 0;
}
