// Links between the data-protection officer's screens (the page header's actions).
const PAGES = [
  { id: 'solicitudes', href: '/datos-personales/solicitudes', label: 'Solicitudes' },
  { id: 'registro', href: '/datos-personales/registro', label: 'Registro de tratamiento' },
  { id: 'brechas', href: '/datos-personales/brechas', label: 'Brechas' },
  { id: 'retenciones', href: '/datos-personales/retenciones', label: 'Retenciones legales' },
  { id: 'conservacion', href: '/datos-personales/conservacion', label: 'Conservación y purgas' },
];

export function DpNav({ current }: { current: string }) {
  return (
    <>
      {PAGES.filter((p) => p.id !== current).map((p) => (
        <a key={p.id} class="btn btn-secondary" href={p.href}>
          {p.label}
        </a>
      ))}
    </>
  );
}
