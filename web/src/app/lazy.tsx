import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorAlert, Loading } from './ui';

/** A screen whose code is loaded on first use (keeps Leaflet and admin screens out of the landing page). */
export function lazyPage<P extends object>(loader: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  let cached: ComponentType<P> | null = null;
  return function LazyPage(props: P) {
    const [Comp, setComp] = useState<ComponentType<P> | null>(() => cached);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Comp) return;
      loader()
        .then((m) => {
          cached = m.default;
          setComp(() => m.default);
        })
        .catch(() => setFailed(true));
    }, []);
    if (failed) return <ErrorAlert error="No fue posible cargar esta pantalla. Recargue la página." />;
    if (!Comp) return <Loading />;
    return <Comp {...props} />;
  };
}
