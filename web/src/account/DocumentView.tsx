// One edition of the public account as citizens read it: a table of contents linking to each
// section (linkable by #section), the editorial text, and the figures of each section with their
// source and the time they were taken. The editor shows the same view with an editing slot.
// Citizens can search it (accent-insensitive; sections and milestones that do not match are
// hidden, matches marked) and copy a link to any section.
import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext, useState } from 'preact/hooks';
import { Badge, DataTable, keepDates } from '../app/ui';
import type { AccountDocument, Figures, Milestone, Section } from './data';
import { matches, sectionText, splitMatches } from './search';

const Query = createContext('');

/** Text with the search's matches marked. */
function Hl({ text }: { text: string }) {
  const q = useContext(Query);
  if (!q.trim()) return <>{keepDates(text)}</>;
  return (
    <>
      {splitMatches(text, q).map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{keepDates(p.text)}</span>))}
    </>
  );
}

const milestoneMatches = (m: Milestone, q: string) => [m.title, m.description, m.results].some((t) => matches(t, q));

function CopyLink({ id, title }: { id: string; title: string }) {
  const [said, setSaid] = useState('');
  const url = () => `${window.location.origin}${window.location.pathname}#${id}`;
  return (
    <span class="account-link">
      <a href={`#${id}`} class="account-anchor" aria-label={`Enlace a la sección «${title}»`}>
        #
      </a>
      <button
        type="button"
        class="btn btn-link"
        onClick={() => {
          const u = url();
          window.history.replaceState(null, '', `#${id}`);
          // The clipboard needs a secure context; elsewhere the link is shown to copy by hand.
          if (navigator.clipboard?.writeText)
            navigator.clipboard.writeText(u).then(
              () => setSaid(`Enlace copiado: ${u}`),
              () => setSaid(`Copie este enlace: ${u}`),
            );
          else setSaid(`Copie este enlace: ${u}`);
        }}
      >
        Copiar enlace
      </button>
      <span role="status" class="account-link-status">
        {said}
      </span>
    </span>
  );
}

function Paragraphs({ text }: { text: string }) {
  const paras = text.split(/\n\s*\n/).filter((p) => p.trim());
  return (
    <>
      {paras.map((p, i) => (
        <p key={i} class="account-text">
          {p.split('\n').map((line, j) => (
            <span key={j}>
              {j > 0 && <br />}
              <Hl text={line} />
            </span>
          ))}
        </p>
      ))}
    </>
  );
}

function Source({ f }: { f: Figures }) {
  return (
    <p class="account-source">
      Fuente: {f.source}. Cifras al {keepDates(f.as_of)}.
    </p>
  );
}

// The house table (ui.tsx DataTable): header row, caption for screen readers, cards on a phone.
function Table(props: { caption: string; columns: string[]; children: ComponentChildren; count: number; empty?: string }) {
  return (
    <DataTable loading={false} error={null} count={props.count} empty={props.empty ?? ''} caption={props.caption} columns={props.columns} class="account-table">
      {props.children}
    </DataTable>
  );
}

function FiguresView({ section }: { section: Section }) {
  const q = useContext(Query);
  const f = section.figures;
  if (!f) return null;
  if (section.key === 'agenda_legislativa')
    return (
      <>
        <Table count={(f.bills ?? []).length} empty="No hay proyectos de ley registrados." caption="Leyes y proyectos de la agenda legislativa" columns={['Ley o boletín', 'Título', 'Estado']}>
          {(f.bills ?? []).map((b, i) => (
            <tr key={i}>
              <td data-label="Ley o boletín">{b.law_number ? `Ley N° ${b.law_number}` : `Boletín ${b.boletin ?? 's/n'}`}</td>
              <td data-label="Título">{b.title}</td>
              <td data-label="Estado">
                {b.stage_name}
                {b.published_on && <> ({keepDates(b.published_on)})</>}
              </td>
            </tr>
          ))}
        </Table>
        <Source f={f} />
      </>
    );
  if (section.key === 'logros')
    return (
      <>
        <Table count={(f.instruments ?? []).length} empty="No hay instrumentos registrados." caption="Avance de los instrumentos de política" columns={['Instrumento', 'Avance validado', 'Por período', 'Cifras de la cuenta']}>
          {(f.instruments ?? []).map((ins) => (
            <tr key={ins.code}>
              <td data-label="Instrumento">
                {ins.name} {ins.demo_data && <Badge tone="warn">Datos de demostración</Badge>}
              </td>
              <td data-label="Avance validado">
                <strong>{ins.progress_text}</strong>
                <br />
                <span class="muted">
                  {ins.reported} de {ins.leaves} con reporte
                </span>
              </td>
              <td data-label="Por período">
                {ins.periods.length ? ins.periods.map((p) => <div key={p.label}>{`${p.label}: ${p.progress_text}`}</div>) : <span class="muted">Sin períodos</span>}
              </td>
              <td data-label="Cifras de la cuenta">
                {ins.declared.length === 0 && <span class="muted">—</span>}
                {ins.declared.map((d, i) => (
                  <div key={i} class="account-declared">
                    {d.label}: <strong>{d.text}</strong>
                    {d.computed_text && (
                      <>
                        {' '}
                        · calculado {d.computed_text}{' '}
                        {d.agrees ? <Badge tone="ok">✓ coincide</Badge> : <Badge tone="warn">⚠ no coincide</Badge>}
                      </>
                    )}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </Table>
        <Source f={f} />
        {f.protection && (
          <>
            <h3 id="proteccion">Protección: registro de casos y monitoreo telemático</h3>
            <Table count={f.protection.rows.length} empty="Sin registros en el período." caption="Protección: registro de casos y monitoreo telemático" columns={['Ámbito', 'Cifra', 'Total del período']}>
              {f.protection.rows.map((r, i) => (
                <tr key={i}>
                  <td data-label="Ámbito">{r.group}</td>
                  <td data-label="Cifra">{r.label}</td>
                  <td data-label="Total del período" class="num">
                    {r.count_text}
                  </td>
                </tr>
              ))}
            </Table>
            <p class="account-source">{f.protection.note}</p>
            <Source f={f.protection} />
          </>
        )}
      </>
    );
  if (section.key === 'plan_covid')
    return (
      <>
        <Table count={1} caption="Contactos de los canales de orientación" columns={['Canal', 'Contactos']}>
          {(f.by_channel ?? []).map((c) => (
            <tr key={c.id}>
              <td data-label="Canal">{c.name}</td>
              <td data-label="Contactos" class="num">
                {c.count_text}
              </td>
            </tr>
          ))}
          <tr>
            <td data-label="Canal">
              <strong>Total de contactos</strong>
            </td>
            <td data-label="Contactos" class="num">
              <strong>{f.total_text}</strong>
            </td>
          </tr>
          <tr>
            <td data-label="Canal">Atendidos</td>
            <td data-label="Contactos" class="num">
              {f.answered_text}
            </td>
          </tr>
        </Table>
        <Source f={f} />
      </>
    );
  if (section.key === 'seremis') {
    // While searching, only the regions and milestones that match (a matching region: all of it).
    const regions = (f.regions ?? [])
      .map((r) => (!q.trim() || matches(r.name, q) ? r : { ...r, milestones: r.milestones.filter((m) => milestoneMatches(m, q)) }))
      .filter((r) => !q.trim() || matches(r.name, q) || r.milestones.length > 0);
    return (
      <>
        <nav aria-label="Regiones" class="account-regions">
          <ul>
            {regions.map((r) => (
              <li key={r.region_id}>
                <a href={`#region-${r.region_id}`}>{r.name.replace(/^Región (de |del )?/, '')}</a>
              </li>
            ))}
          </ul>
        </nav>
        {regions.map((r) => (
          <div key={r.region_id} class="account-region">
            <h3 id={`region-${r.region_id}`}>
              <Hl text={r.name} />
            </h3>
            {r.milestones.length === 0 ? (
              <p class="muted">Sin hitos registrados para el período.</p>
            ) : (
              <Table count={r.milestones.length} caption={`Hitos de la ${r.name}`} columns={['Hito o acción', 'Descripción', 'Resultados']}>
                {r.milestones.map((m) => (
                  <tr key={m.id}>
                    <td data-label="Hito o acción">
                      <Hl text={m.title} />
                      {m.date_text && <div class="muted">{keepDates(m.date_text)}</div>}
                    </td>
                    <td data-label="Descripción">
                      <Paragraphs text={m.description} />
                    </td>
                    <td data-label="Resultados">
                      <Paragraphs text={m.results} />
                    </td>
                  </tr>
                ))}
              </Table>
            )}
          </div>
        ))}
        <Source f={f} />
      </>
    );
  }
  return null;
}

export function DocumentView(props: { doc: AccountDocument; editSlot?: (s: Section) => ComponentChildren; query?: string }) {
  const { doc } = props;
  const q = props.query ?? '';
  const shown = q.trim() ? doc.sections.filter((s) => matches(sectionText(s), q)) : doc.sections;
  return (
    <Query.Provider value={q}>
    <div class="account-doc">
      <nav aria-label="Índice de la cuenta pública" class="account-toc card">
        <h2>Índice</h2>
        <ol>
          {shown.map((s) => (
            <li key={s.key}>
              <a href={`#${s.key}`}>{s.title}</a>
            </li>
          ))}
        </ol>
      </nav>
      {shown.map((s) => (
        <section key={s.key} id={s.key} class="account-section" aria-labelledby={`h-${s.key}`}>
          <div class="account-section-head">
            <h2 id={`h-${s.key}`}>
              <Hl text={s.title} />
            </h2>
            {!props.editSlot && <CopyLink id={s.key} title={s.title} />}
          </div>
          {props.editSlot ? props.editSlot(s) : s.text && <Paragraphs text={s.text} />}
          <FiguresView section={s} />
        </section>
      ))}
    </div>
    </Query.Provider>
  );
}
