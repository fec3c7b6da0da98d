// The frame around every screen: skip link, ministry header, navigation by permission,
// the person signed in, and the footer. Public pages carry the "Salida rápida" button.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from './api';
import { navigate, useLocation } from './router';
import { hasPermission, useSession, type SessionState } from './session';

export const MINISTRY = 'Ministerio de la Mujer y la Equidad de Género';
export const QUICK_EXIT_URL = 'https://www.google.cl/';

interface NavItem {
  href: string;
  label: string;
  show: (s: SessionState) => boolean;
}

const signedIn = (s: SessionState) => s.status === 'signed-in';

const NAV: NavItem[] = [
  { href: '/', label: 'Portada', show: (s) => s.status !== 'signed-in' },
  { href: '/inicio', label: 'Mi inicio', show: signedIn },
  { href: '/territorio', label: 'Territorio', show: () => true },
  { href: '/agenda-legislativa', label: 'Agenda legislativa', show: () => true },
  { href: '/politicas', label: 'Políticas', show: () => true },
  { href: '/politicas/mis-reportes', label: 'Mis reportes', show: (s) => hasPermission(s, 'policy.report') },
  { href: '/politicas/validacion', label: 'Validación', show: (s) => hasPermission(s, 'policy.validate') },
  { href: '/politicas/mi-pmg', label: 'Mi PMG', show: (s) => hasPermission(s, 'policy.report') },
  { href: '/politicas/pmg/revision', label: 'Revisión PMG', show: (s) => hasPermission(s, 'policy.validate') },
  { href: '/politicas/region', label: 'Agenda regional', show: (s) => s.status === 'signed-in' && !!s.session.user.region_id && hasPermission(s, 'policy.read') },
  { href: '/indicadores', label: 'Indicadores de género', show: () => true },
  { href: '/indicadores/mis-indicadores', label: 'Mis indicadores', show: (s) => hasPermission(s, 'indicators.steward') },
  { href: '/indicadores/editor', label: 'Editor de indicadores', show: (s) => hasPermission(s, 'indicators.catalogue.edit') },
  { href: '/casos', label: 'Casos', show: (s) => hasPermission(s, 'cases.read') },
  { href: '/alertas', label: 'Alertas', show: (s) => hasPermission(s, 'alerts.respond') },
  { href: '/monitoreo', label: 'Centro de control', show: (s) => hasPermission(s, 'alerts.handle') },
  { href: '/monitoreo/ordenes', label: 'Órdenes monitoreadas', show: (s) => hasPermission(s, 'monitoring.manage') && !hasPermission(s, 'alerts.handle') },
  { href: '/monitoreo/unidad', label: 'Despachos', show: (s) => hasPermission(s, 'dispatch.receive') },
  { href: '/canales', label: 'Consola 1455', show: (s) => hasPermission(s, 'channels.answer') },
  { href: '/canales/supervision', label: 'Supervisión 1455', show: (s) => hasPermission(s, 'channels.supervise') },
  { href: '/farmacia', label: 'Mascarilla 19', show: (s) => hasPermission(s, 'channels.pharmacy_report') },
  { href: '/canales/historial', label: 'Estadística de canales', show: (s) => hasPermission(s, 'channels.statistics') },
  { href: '/farmacia/seguimiento', label: 'Mascarilla 19', show: (s) => hasPermission(s, 'channels.answer') },
  { href: '/farmacia/inscripcion', label: 'Farmacias inscritas', show: (s) => hasPermission(s, 'channels.supervise') },
  { href: '/alertas/reglas', label: 'Reglas de alerta', show: (s) => hasPermission(s, 'alerts.configure') && !hasPermission(s, 'alerts.respond') },
  { href: '/admin/usuarios', label: 'Usuarios', show: (s) => hasPermission(s, 'users.manage') },
  { href: '/admin/roles', label: 'Roles', show: (s) => hasPermission(s, 'users.manage') || hasPermission(s, 'roles.read') },
  { href: '/admin/instituciones', label: 'Instituciones', show: (s) => hasPermission(s, 'institutions.manage') },
  { href: '/admin/auditoria', label: 'Auditoría', show: (s) => hasPermission(s, 'audit.read') },
  { href: '/red', label: 'Red de atención', show: (s) => !hasPermission(s, 'care.read') },
  { href: '/red/interna', label: 'Red de atención', show: (s) => hasPermission(s, 'care.read') && !hasPermission(s, 'care.house') },
  { href: '/red/casa', label: 'Mi casa', show: (s) => hasPermission(s, 'care.house') },
  { href: '/red/tablero', label: 'Tablero de cupos', show: (s) => hasPermission(s, 'care.board') },
  { href: '/directoras/buscar', label: 'Registro de Directoras', show: (s) => hasPermission(s, 'registries.directoras.search') },
  { href: '/directoras/mi-perfil', label: 'Mi perfil de directora', show: (s) => hasPermission(s, 'registries.directoras.profile') },
  { href: '/cuenta-publica', label: 'Cuenta pública', show: () => true },
  { href: '/participacion', label: 'Participación ciudadana', show: () => true },
  { href: '/cuenta-publica/editor', label: 'Editor de la cuenta', show: (s) => hasPermission(s, 'account.edit') },
  { href: '/cuenta-publica/hitos', label: 'Hitos regionales', show: (s) => s.status === 'signed-in' && !!s.session.user.region_id && hasPermission(s, 'account.milestones') },
  { href: '/registros/certificaciones', label: 'Organizaciones certificadas', show: () => true },
  { href: '/registros/convenios', label: 'Convenios', show: (s) => hasPermission(s, 'registries.manage') },
  { href: '/consejos', label: 'Consejos y mesas', show: () => true },
  { href: '/datos-personales/solicitudes', label: 'Datos personales', show: (s) => hasPermission(s, 'dataprotection.manage') },
  { href: '/charlas', label: 'Charlas', show: (s) => !hasPermission(s, 'outreach.manage') },
  { href: '/capacitaciones/gestion', label: 'Capacitaciones', show: (s) => hasPermission(s, 'outreach.manage') },
  { href: '/charlas/gestion', label: 'Charlas', show: (s) => hasPermission(s, 'outreach.manage') },
  { href: '/estudios', label: 'Estudios', show: (s) => !hasPermission(s, 'studies.edit') },
  { href: '/estudios/gestion', label: 'Estudios', show: (s) => hasPermission(s, 'studies.edit') },
  { href: '/mi-cuenta', label: 'Mi cuenta', show: signedIn },
  { href: '/mis-sesiones', label: 'Mis sesiones', show: signedIn },
];

function isCurrent(href: string, path: string): boolean {
  if (href === '/') return path === '/';
  return path === href || path.startsWith(`${href}/`);
}

/** Leaves for a neutral site and replaces this page in the history, so "back" does not return. */
export function QuickExit() {
  return (
    <a
      class="quick-exit"
      href={QUICK_EXIT_URL}
      data-external=""
      rel="noreferrer"
      onClick={(e) => {
        e.preventDefault();
        window.location.replace(QUICK_EXIT_URL);
      }}
      title="Sale de inmediato hacia un sitio neutro (Google)"
    >
      <span aria-hidden="true" class="quick-exit-icon">⨯</span>
      Salida rápida
    </a>
  );
}

function Logo() {
  return (
    <svg class="logo-mark" viewBox="0 0 40 40" width="40" height="40" aria-hidden="true" focusable="false">
      <rect width="40" height="40" rx="6" fill="#6B2C91" />
      <path d="M12 11h16v4H16.5v3.2H26v4h-9.5V25H28v4H12z" fill="#fff" />
    </svg>
  );
}

export function Shell({ children, publicPage }: { children: ComponentChildren; publicPage: boolean }) {
  const { state, signOut, expired } = useSession();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [logoutError, setLogoutError] = useState<string | null>(null);
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // After each navigation: close the menu, scroll up and move focus to the new page's heading,
  // so keyboard and screen-reader users land on the content that changed.
  useEffect(() => {
    setMenuOpen(false);
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    window.scrollTo(0, 0);
    const t = window.setTimeout(() => {
      const h1 = mainRef.current?.querySelector<HTMLElement>('h1');
      if (h1) h1.focus({ preventScroll: true });
    }, 30);
    return () => window.clearTimeout(t);
  }, [path]);

  const items = NAV.filter((n) => n.show(state));
  const user = state.status === 'signed-in' ? state.session.user : null;

  async function logout() {
    setLogoutError(null);
    try {
      await signOut();
      navigate('/ingresar?salida=1');
    } catch (e) {
      setLogoutError(errorMessage(e));
    }
  }

  return (
    <div class={`app${publicPage || !user ? ' has-quick-exit' : ''}`}>
      <a class="skip-link" href="#contenido" data-external="" onClick={(e) => {
        e.preventDefault();
        const main = document.getElementById('contenido');
        main?.focus();
        main?.scrollIntoView();
      }}>
        Saltar al contenido principal
      </a>
      <div class="gov-stripe" aria-hidden="true">
        <span class="s-blue" />
        <span class="s-red" />
      </div>
      <header class="site-header">
        <div class="container header-row">
          <a class="brand" href={user ? '/inicio' : '/'}>
            <Logo />
            <span class="brand-text">
              <span class="brand-ministry">{MINISTRY}</span>
              <span class="brand-product">
                <span class="visually-hidden"> — </span>Equidad
                <span class="brand-tag">Sistema de información</span>
              </span>
            </span>
          </a>
          <div class="header-actions">
            {user ? (
              <div class="user-box">
                <div class="user-id">
                  <span class="user-name" data-testid="user-name">{user.name}</span>
                  <span class="user-inst">{user.institution.name}</span>
                </div>
                <button type="button" class="btn btn-outline-light btn-sm" onClick={logout}>
                  Cerrar sesión
                </button>
              </div>
            ) : (
              state.status === 'anonymous' && path !== '/ingresar' && (
                <a class="btn btn-outline-light btn-sm" href="/ingresar">
                  Ingresar
                </a>
              )
            )}
            {(publicPage || !user) && <QuickExit />}
          </div>
        </div>
        <nav class="main-nav" aria-label="Navegación principal">
          <div class="container nav-row">
            <button
              type="button"
              class="menu-toggle"
              aria-expanded={menuOpen ? 'true' : 'false'}
              aria-controls="menu-principal"
              onClick={() => setMenuOpen(!menuOpen)}
            >
              <span aria-hidden="true" class="burger" />
              Menú
            </button>
            <ul id="menu-principal" class={menuOpen ? 'open' : ''}>
              {items.map((n) => (
                <li key={n.href}>
                  <a href={n.href} aria-current={isCurrent(n.href, path) ? 'page' : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        </nav>
      </header>
      {(logoutError || expired) && (
        <div class="container">
          <div role="alert" class="alert alert-warning banner">
            {logoutError ?? 'Su sesión terminó por inactividad o fue cerrada. Ingrese nuevamente para continuar.'}
          </div>
        </div>
      )}
      <main id="contenido" tabIndex={-1} ref={mainRef}>
        <div class="container">{children}</div>
      </main>
      <footer class="site-footer">
        <div class="container footer-grid">
          <div>
            <p class="footer-title">{MINISTRY}</p>
            <p>Equidad: protección de las mujeres y rendición de cuentas de las políticas de igualdad de género.</p>
          </div>
          <div>
            <p class="footer-title">Ayuda y orientación</p>
            <ul class="plain">
              <li>
                Fono orientación <a href="tel:1455" data-external="">1455</a>
              </li>
              <li>
                WhatsApp silencioso <a href="https://wa.me/56997007000" data-external="" rel="noreferrer">+56 9 9700 7000</a>
              </li>
              <li>
                Carabineros <a href="tel:133" data-external="">133</a> · Fono Familia <a href="tel:149" data-external="">149</a> · PDI <a href="tel:134" data-external="">134</a>
              </li>
            </ul>
          </div>
          <div>
            <p class="footer-title">Datos</p>
            <p>Límites territoriales: Biblioteca del Congreso Nacional de Chile (BCN). Cifras: Cuenta Pública Participativa 2020–2021 del Ministerio.</p>
          </div>
        </div>
      </footer>
    </div>
  );
}
