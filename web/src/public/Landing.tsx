// Public landing page: what Equidad is, where to ask for help, and the figures behind it.
// Every figure comes from the ministry's Cuenta Pública Participativa 2020–2021.
import { formatNumber, formatPercent } from '../app/format';
import { usePageTitle } from '../app/ui';
import { useSession } from '../app/session';
import { MINISTRY } from '../app/shell';
import { navigate } from '../app/router';
import type { ComponentChildren } from 'preact';

interface Card {
  title: string;
  tag?: string;
  body: ComponentChildren;
  figure?: { value: string; label: string };
}

const PROTECTION: Card[] = [
  {
    title: 'Fono 1455',
    tag: 'Canal de ayuda',
    figure: { value: formatNumber(126645), label: 'llamadas en 2020' },
    body: (
      <>
        Línea de Orientación y Ayuda para Mujeres Víctimas de Violencia. En 2020 las llamadas aumentaron un{' '}
        {formatPercent(149.1)} respecto de 2019; desde mayo de 2020 su capacidad de atención se amplió en un {formatPercent(20, 0)}.
      </>
    ),
  },
  {
    title: 'Chat web silencioso',
    tag: 'Canal de ayuda',
    figure: { value: formatNumber(6652), label: 'sesiones en 2020' },
    body: <>Habilitado en abril de 2020 para entregar de manera discreta el mismo servicio del Fono 1455.</>,
  },
  {
    title: 'WhatsApp silencioso',
    tag: 'Canal de ayuda',
    figure: { value: formatNumber(18923), label: 'sesiones en su primer año' },
    body: (
      <>
        +56 9 9700 7000, habilitado el 29 de abril de 2020. Su mes de mayor uso fue mayo de 2020, con {formatNumber(4656)}{' '}
        activaciones.
      </>
    ),
  },
  {
    title: 'Mascarilla 19',
    tag: 'Canal de ayuda',
    figure: { value: formatNumber(73), label: 'solicitudes en 2020' },
    body: (
      <>
        Con solo decir «Mascarilla 19» en una farmacia se activa un protocolo de ayuda. Cada solicitud fue contactada por el
        Servicio Nacional de la Mujer y la Equidad de Género (SernamEG).
      </>
    ),
  },
  {
    title: 'Registro único de casos y alerta temprana',
    tag: 'Coordinación',
    body: (
      <>
        Un registro compartido por las instituciones que atienden a una mujer: SernamEG, Carabineros, PDI, Ministerio Público,
        Poder Judicial, Servicio Médico Legal y Salud. Su propósito principal es un sistema de alerta temprana, con
        derivaciones y plazos entre instituciones.
      </>
    ),
  },
  {
    title: 'Llamados de emergencia municipales',
    tag: 'Coordinación',
    figure: { value: formatNumber(6), label: 'comunas en el piloto de 2020' },
    body: (
      <>
        Las unidades de seguridad municipal coordinadas con el 1455: Santiago, Providencia, La Pintana, La Florida, Las Condes y
        Quilicura.
      </>
    ),
  },
  {
    title: 'Monitoreo telemático',
    tag: 'Medidas de protección',
    body: (
      <>
        Control telemático de la prohibición de acercamiento a la víctima, con zonas de exclusión y alertas a una central de
        control (Boletines N°13541-07 y N°9715-07).
      </>
    ),
  },
  {
    title: 'Pulseras de emergencia',
    tag: 'Medidas de protección',
    figure: { value: formatNumber(10500), label: 'dispositivos licitados' },
    body: (
      <>
        Tras un piloto con {formatNumber(500)} mujeres en riesgo de la Región Metropolitana (julio de 2020), para mujeres de los
        Centros de la Mujer y Casas de Acogida.
      </>
    ),
  },
];

const POLICY: Card[] = [
  {
    title: 'Agenda Mujer',
    figure: { value: formatNumber(23), label: 'compromisos' },
    body: (
      <>
        Se traducen en {formatNumber(27)} iniciativas: {formatNumber(13)} legislativas y {formatNumber(14)} de gestión. Cada
        compromiso con su responsable, avance y evidencia.
      </>
    ),
  },
  {
    title: 'Plan Nacional de Igualdad 2018–2030',
    figure: { value: formatNumber(105), label: 'metas en seguimiento' },
    body: <>Reportadas por los {formatNumber(23)} puntos focales ministeriales, validadas por el Ministerio.</>,
  },
  {
    title: 'Indicador de género del PMG',
    figure: { value: formatNumber(157), label: 'servicios públicos en 2021' },
    body: (
      <>
        Con {formatNumber(414)} compromisos específicos. En 2020 lo comprometieron {formatNumber(150)} servicios y{' '}
        {formatNumber(148)} fueron aprobados.
      </>
    ),
  },
  {
    title: 'Agenda legislativa',
    body: (
      <>
        Proyectos por boletín, trámite constitucional y urgencias con sus plazos. Entre las leyes publicadas: la Ley N°21.212
        («Ley Gabriela»), que amplía el marco legal del femicidio, del 4 de marzo de 2020.
      </>
    ),
  },
  {
    title: 'Registros',
    body: (
      <>
        Registro de Directoras (más de {formatNumber(600)} mujeres inscritas al lanzarse en agosto de 2019), organizaciones
        certificadas en la norma NCh3262 e indicadores de género de {formatNumber(460)} empresas y organizaciones.
      </>
    ),
  },
  {
    title: 'Cuenta Pública Participativa',
    body: (
      <>
        Se compila con los datos anteriores y los hitos de las {formatNumber(16)} Secretarías Regionales Ministeriales, y se publica con sus
        cifras fijas: léala en la web o descárguela para imprimir. <a href="/cuenta-publica">Leer la cuenta pública →</a>
      </>
    ),
  },
];

function CardGrid({ cards, id, columns = 4 }: { cards: Card[]; id: string; columns?: 3 | 4 }) {
  return (
    <ul class={`card-grid${columns === 3 ? ' card-grid-3' : ''}`} aria-labelledby={id}>
      {cards.map((c) => (
        <li class="card info-card" key={c.title}>
          {c.tag && <p class="card-tag">{c.tag}</p>}
          <h3>{c.title}</h3>
          {c.figure && (
            <p class="card-figure">
              <strong>{c.figure.value}</strong> <span>{c.figure.label}</span>
            </p>
          )}
          <p class="card-body">{c.body}</p>
        </li>
      ))}
    </ul>
  );
}

export function Landing() {
  usePageTitle('Portada');
  const { state } = useSession();
  const signedIn = state.status === 'signed-in';

  return (
    <div class="landing">
      <section class="hero full-bleed" aria-labelledby="hero-title">
        <div class="container hero-grid">
          <div class="hero-text">
            <p class="eyebrow eyebrow-light">{MINISTRY}</p>
            <h1 id="hero-title" tabIndex={-1}>
              Equidad
            </h1>
            <p class="hero-lead">
              El sistema de información que une la protección de las mujeres que piden ayuda con la rendición de cuentas de
              las políticas de igualdad de género.
            </p>
            <div class="hero-actions">
              {signedIn ? (
                <a class="btn btn-light" href="/inicio">
                  Ir a mi inicio
                </a>
              ) : (
                <a class="btn btn-light" href="/ingresar">
                  Ingresar como funcionaria o funcionario
                </a>
              )}
              <a class="btn btn-outline-light" href="/territorio">
                Explorar el territorio
              </a>
            </div>
          </div>
          <aside class="help-box" aria-labelledby="help-title">
            <h2 id="help-title">¿Necesitas ayuda?</h2>
            <p class="help-sub">Orientación para mujeres que viven violencia. Es confidencial.</p>
            <ul class="help-list">
              <li>
                <a class="help-main" href="tel:1455" data-external="">
                  <span class="help-number">1455</span>
                  <span class="help-label">Fono de orientación y ayuda</span>
                </a>
              </li>
              <li>
                {/* Replaces this entry in the history: "back" after the chat does not show it was opened. */}
                <a
                  href="/chat"
                  onClick={(e) => {
                    e.preventDefault();
                    navigate('/chat', { replace: true });
                  }}
                >
                  <span class="help-number small">Chat silencioso</span>
                  <span class="help-label">Escribe a una orientadora del 1455, sin que nadie te escuche</span>
                </a>
              </li>
              <li>
                <a href="https://wa.me/56997007000" data-external="" rel="noreferrer">
                  <span class="help-number small">+56 9 9700 7000</span>
                  <span class="help-label">WhatsApp silencioso</span>
                </a>
              </li>
              <li class="help-text">
                En una farmacia, di <strong>«Mascarilla 19»</strong> y se activará un protocolo de ayuda.
              </li>
              <li class="help-text">
                En una emergencia: Carabineros{' '}
                <a href="tel:133" data-external="">
                  <strong>133</strong>
                </a>{' '}
                · Fono Familia de Carabineros{' '}
                <a href="tel:149" data-external="">
                  <strong>149</strong>
                </a>{' '}
                · PDI{' '}
                <a href="tel:134" data-external="">
                  <strong>134</strong>
                </a>
              </li>
            </ul>
            <p class="help-exit">
              Si alguien puede estar mirando tu pantalla, usa el botón rojo <strong>Salida rápida</strong>: te lleva a otro sitio
              de inmediato.
            </p>
          </aside>
        </div>
      </section>

      <section class="figures full-bleed" aria-labelledby="figures-title">
        <div class="container">
          <h2 id="figures-title" class="visually-hidden">
            Cifras destacadas
          </h2>
          <dl class="figure-strip">
            <div>
              <dt>Llamadas al Fono 1455 en 2020</dt>
              <dd>{formatNumber(126645)}</dd>
            </div>
            <div>
              <dt>Aumento de llamadas respecto de 2019</dt>
              <dd>{formatPercent(149.1)}</dd>
            </div>
            <div>
              <dt>Casas de Acogida y Centros de la Mujer abiertos durante la emergencia</dt>
              <dd>
                {formatNumber(44)} <span class="dd-plus">+</span> {formatNumber(111)}
              </dd>
            </div>
            <div>
              <dt>Metas del Plan Nacional de Igualdad</dt>
              <dd>{formatNumber(105)}</dd>
            </div>
          </dl>
          <p class="source">Fuente: Cuenta Pública Participativa 2020–2021, {MINISTRY}.</p>
        </div>
      </section>

      <section class="landing-section" aria-labelledby="protection-title">
        <div class="section-head">
          <p class="eyebrow">Operación 24/7</p>
          <h2 id="protection-title">Protección</h2>
          <p class="section-lead">
            Los canales por los que una mujer pide ayuda, un registro de casos compartido entre instituciones y las alertas que
            llegan a quien puede actuar a tiempo.
          </p>
        </div>
        <CardGrid cards={PROTECTION} id="protection-title" />
      </section>

      <section class="landing-section" aria-labelledby="policy-title">
        <div class="section-head">
          <p class="eyebrow eyebrow-purple">Políticas públicas</p>
          <h2 id="policy-title">Políticas y rendición de cuentas</h2>
          <p class="section-lead">
            El seguimiento de cada instrumento de política de género, desde el reporte de un punto focal hasta la cuenta pública.
          </p>
        </div>
        <CardGrid cards={POLICY} id="policy-title" columns={3} />
        <p>
          <a href="/indicadores">Indicadores de género en las empresas y Sistema de Indicadores de Género →</a>
        </p>
        <p>
          <a href="/cuenta-publica">Cuenta Pública Participativa: ediciones publicadas →</a>
        </p>
        <p>
          <a href="/registros/certificaciones">Organizaciones certificadas (NCh3262, Sello Iguala-Conciliación) y adherentes de IPG Chile →</a>
        </p>
        <p>
          <a href="/charlas">Charlas abiertas con inscripción y certificado; capacitaciones y campañas del Ministerio →</a>
        </p>
        <p>
          <a href="/estudios">Estudios y encuestas del Ministerio: hallazgos, metodología y archivos →</a>
        </p>
      </section>

      <section class="landing-section split" aria-labelledby="trust-title">
        <div>
          <h2 id="trust-title">Seguridad y privacidad</h2>
          <ul class="check-list">
            <li>Cada persona ve solo lo que su rol, su institución y su territorio le permiten.</li>
            <li>Los datos que identifican a una mujer se guardan cifrados.</li>
            <li>Los roles que acceden a casos ingresan con un segundo factor (código de verificación).</li>
            <li>Cada acción queda en un registro de auditoría encadenado que se puede verificar.</li>
          </ul>
        </div>
        <div class="territory-cta card">
          <h2>Territorio</h2>
          <p>
            Las {formatNumber(16)} regiones, {formatNumber(56)} provincias y {formatNumber(346)} comunas de Chile, con sus
            códigos oficiales y límites, base de los reportes regionales y de la atención más cercana.
          </p>
          <a class="btn btn-primary" href="/territorio">
            Ver regiones y comunas
          </a>
        </div>
      </section>
    </div>
  );
}
