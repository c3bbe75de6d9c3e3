/* fuzz_routine: routine scripts (routine_load), and what a session first
 * does with a loaded one: each step with its side filled in, and the
 * routine's own doses. */
#include "fuzz_input.h"
#include "prescription.h"
#include "routine.h"

const fuzz_target fuzz_this = {.file_name = "routine.yaml", .init = NULL};

static void use_routine(const routine_t *r)
{
    for (size_t e = 0; e < r->n_exercises; e++) {
        const routine_exercise *ex = &r->exercises[e];
        for (size_t s = 0; s < ex->n_steps; s++)
            free(routine_expand_side(ex->steps[s].text, "left"));
    }
    prescription_t *p = NULL;
    if (prescription_default(r, &p) == FC_OK) {
        FUZZ_CHECK(p->n_doses == r->n_exercises);
        FUZZ_CHECK(prescription_exercises_run(p) <= r->n_exercises);
    }
    prescription_destroy(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    routine_t *r = NULL;
    routine_report report = {0};
    fc_error err = {0};
    int rc = routine_load(fuzz_input_write(data, size), &r, &report, &err);
    FUZZ_CHECK((rc == FC_OK) == (r != NULL));
    FUZZ_CHECK(rc == FC_OK || err.code == rc);
    if (r != NULL)
        use_routine(r);
    routine_destroy(r);
    routine_report_clear(&report);
    return 0;
}
