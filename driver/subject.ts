// What a call was about (its request, offer, payment, title, price, status), in the suite's terms, attached to its
// record whatever the target's paths look like: reconciliation reads it, not the URL. The flow's driver wrapper sets
// it for each operation; the HTTP client copies it into the records made inside that operation.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallSubject, EscrowDriver } from './types.ts';

export const callSubject = new AsyncLocalStorage<CallSubject>();

type Describe = (...args: never[]) => CallSubject;
const SUBJECTS: Partial<Record<keyof EscrowDriver, Describe>> = {
  createRequest: (_token: string, body: { title: string }) => ({ title: body.title }),
  getRequest: (_token: string, requestId: string) => ({ requestId }),
  createOffer: (_token: string, requestId: string, price: string) => ({ requestId, price }),
  acceptOffer: (_token: string, requestId: string, offerId: string) => ({ requestId, offerId }),
  createPaymentIntent: (_token: string, requestId: string) => ({ requestId }),
  setStatus: (_token: string, requestId: string, status: string) => ({ requestId, status }),
  checkPayment: (_token: string, paymentId: string) => ({ paymentId }),
  getPayment: (_token: string, paymentId: string) => ({ paymentId }),
  paymentLedger: (_token: string, paymentId: string) => ({ paymentId }),
  fixtureDeposit: (_token: string, paymentId: string) => ({ paymentId }),
  deliver: (_token: string, requestId: string) => ({ requestId }),
  confirmDelivery: (_token: string, requestId: string) => ({ requestId }),
};

/** The driver with each operation's subject set while it runs; methods the driver lacks stay absent. */
export function withSubjects<D extends EscrowDriver>(driver: D): D {
  return new Proxy(driver, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      const describe = SUBJECTS[prop as keyof EscrowDriver];
      if (typeof value !== 'function' || !describe) return value;
      return (...args: never[]) => callSubject.run(describe(...args), () => (value as (...a: never[]) => unknown).apply(target, args));
    },
  });
}
