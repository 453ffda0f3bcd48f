/**
 * The end of a domain: Xen's domain_crash() (xen-project/xen xen/common/domain.c), and the
 * device model's destroy_hvm_domain() or hw_error(), which QEMU calls when it finds the
 * protocol broken. After it nothing of that actor runs again.
 *
 * Modelled as a step that is never enabled, so the actor stays at the line that crashed:
 * a crash the model does not expect shows up as the built-in `deadlock` property, with the
 * crashing step and its reason in the trace. Checks of Xen's and QEMU's own code that a
 * model does not attribute to one of its protocol's properties use this.
 */
import type { ThreadBuilder } from '../../checker/builder.ts';
import type { Term } from '../../checker/term.ts';

/** Stop this actor for good, here. */
export function crash(t: ThreadBuilder, reason: string): void {
  t.atomic(() => t.guard(false), { note: reason });
}

/** A run-time check of Xen's or QEMU's code that crashes the domain (or the device model) when `ok` fails. */
export function crashUnless(t: ThreadBuilder, what: string): (ok: Term, message: string) => void {
  return (ok, message) => t.if(ok.not(), () => crash(t, `${what}: ${message}`));
}
