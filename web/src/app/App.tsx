// Route table and access rules of the single-page app.
import type { ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import { lazyPage } from './lazy';
import { match, navigate, useLocation } from './router';
import { hasPermission, SessionProvider, useSession } from './session';
import { Shell } from './shell';
import { Loading, PageHeader } from './ui';
import { Landing } from '../public/Landing';
import { LoginPage } from '../auth/LoginPage';
import { SessionsPage } from '../auth/SessionsPage';
import { AccountPage } from '../auth/AccountPage';
import { HomePage } from '../home/HomePage';

const TerritoryPage = lazyPage<{ regionId?: string }>(() => import('../territory/TerritoryPage'));
const UsersPage = lazyPage(() => import('../admin/UsersPage'));
const RolesPage = lazyPage(() => import('../admin/RolesPage'));
const InstitutionsPage = lazyPage(() => import('../admin/InstitutionsPage'));
const AuditPage = lazyPage(() => import('../admin/AuditPage'));
const AgendaPage = lazyPage(() => import('../legislative/AgendaPage'));
const BillPage = lazyPage<{ billId: string }>(() => import('../legislative/BillPage'));
const PolicyDashboard = lazyPage(() => import('../policy/DashboardPage'));
const PolicyInstrument = lazyPage<{ instrumentId: string }>(() => import('../policy/InstrumentPage'));
const PolicyPmg = lazyPage(() => import('../policy/PmgPage'));
const PolicyRegional = lazyPage(() => import('../policy/RegionalPage'));
const PolicyItem = lazyPage<{ itemId: string }>(() => import('../policy/ItemPage'));
const PolicyQueue = lazyPage(() => import('../policy/QueuePage'));
const PolicyMine = lazyPage(() => import('../policy/MyReportsPage'));
const PolicyMyPmg = lazyPage(() => import('../policy/MyPmgPage'));
const PolicyPmgQueue = lazyPage(() => import('../policy/PmgReviewPage'));
const PolicyPmgService = lazyPage<{ serviceId: string }>(() => import('../policy/PmgServicePage'));
const CasesSearch = lazyPage(() => import('../cases/SearchPage'));
const CasesPerson = lazyPage<{ personId: string }>(() => import('../cases/PersonPage'));
const CasesNew = lazyPage(() => import('../cases/NewRecordPage'));
const CasesReferrals = lazyPage(() => import('../cases/ReferralsPage'));
const CasesReviews = lazyPage(() => import('../cases/ReviewsPage'));
const CasesStatistics = lazyPage(() => import('../cases/StatisticsPage'));
const AlertsInbox = lazyPage(() => import('../alerts/AlertsPage'));
const AlertDetail = lazyPage<{ alertId: string }>(() => import('../alerts/AlertPage'));
const AlertRules = lazyPage(() => import('../alerts/RulesPage'));
const MonConsole = lazyPage(() => import('../monitoring/ConsolePage'));
const MonOrders = lazyPage(() => import('../monitoring/OrdersPage'));
const MonOrder = lazyPage<{ orderId: string }>(() => import('../monitoring/OrderPage'));
const MonUnit = lazyPage(() => import('../monitoring/UnitPage'));
const ChannelsConsole = lazyPage(() => import('../channels/ConsolePage'));
const ChannelsSupervisor = lazyPage(() => import('../channels/SupervisorPage'));
const ChannelsStatistics = lazyPage(() => import('../channels/StatisticsPage'));
const ChannelsHistory = lazyPage(() => import('../channels/HistoryPage'));
const ChatPage = lazyPage(() => import('../chat/ChatPage'));
const ChatConversation = lazyPage<{ sessionRef: string }>(() => import('../chat/ConversationPage'));
const PharmacyReport = lazyPage(() => import('../pharmacy/ReportPage'));
const PharmacyFollowup = lazyPage(() => import('../pharmacy/FollowupPage'));
const PharmacyEnrolment = lazyPage(() => import('../pharmacy/EnrolmentPage'));
const CareDirectory = lazyPage(() => import('../care/DirectoryPage'));
const CareNetwork = lazyPage(() => import('../care/NetworkPage'));
const CareFind = lazyPage(() => import('../care/FindPlacePage'));
const CareHouse = lazyPage(() => import('../care/HousePage'));
const CareBoard = lazyPage(() => import('../care/BoardPage'));
const DirSearch = lazyPage(() => import('../directoras/SearchPage'));
const DirProfile = lazyPage(() => import('../directoras/ProfilePage'));
const DirMine = lazyPage(() => import('../directoras/MyProfilePage'));
const DpRequests = lazyPage(() => import('../dataprotection/RequestsPage'));
const DpRequest = lazyPage<{ requestId: string }>(() => import('../dataprotection/RequestPage'));
const DpRopa = lazyPage(() => import('../dataprotection/RopaPage'));
const DpBreaches = lazyPage(() => import('../dataprotection/BreachesPage'));
const DpHolds = lazyPage(() => import('../dataprotection/HoldsPage'));
const DpRetention = lazyPage(() => import('../dataprotection/RetentionPage'));
const IndReport = lazyPage(() => import('../indicators/ReportPage'));
const IndCatalogue = lazyPage(() => import('../indicators/CataloguePage'));
const IndIndicator = lazyPage<{ indicatorId: string }>(() => import('../indicators/IndicatorPage'));
const IndSteward = lazyPage(() => import('../indicators/StewardPage'));
const IndImport = lazyPage(() => import('../indicators/ImportPage'));
const IndEditorList = lazyPage(() => import('../indicators/EditorListPage'));
const IndEditor = lazyPage<{ indicatorId: string }>(() => import('../indicators/EditorPage'));
const AccountPublic = lazyPage<{ editionId?: string }>(() => import('../account/PublicAccountPage'));
const AccountEditor = lazyPage(() => import('../account/EditorPage'));
const AccountMilestones = lazyPage(() => import('../account/MilestonesPage'));
const Participation = lazyPage<{ processId?: string }>(() => import('../participation/ParticipationPage'));
const RegCertified = lazyPage(() => import('../registries/CertifiedPage'));
const RegAgreements = lazyPage(() => import('../registries/AgreementsPage'));
const RegAgreement = lazyPage<{ agreementId: string }>(() => import('../registries/AgreementPage'));
const Councils = lazyPage(() => import('../councils/CouncilsPage'));
const CouncilBody = lazyPage<{ bodyId: string }>(() => import('../councils/BodyPage'));
const OutTrainings = lazyPage(() => import('../outreach/TrainingsPage'));
const OutTrainingsAdmin = lazyPage(() => import('../outreach/TrainingsAdminPage'));
const OutCampaigns = lazyPage(() => import('../outreach/CampaignsPage'));
const OutTalks = lazyPage(() => import('../outreach/TalksPage'));
const OutTalksAdmin = lazyPage(() => import('../outreach/TalksAdminPage'));
const OutCertificate = lazyPage<{ code?: string }>(() => import('../outreach/CertificatePage'));
const StudiesCatalogue = lazyPage(() => import('../studies/CataloguePage'));
const StudyPage = lazyPage<{ studyId: string }>(() => import('../studies/StudyPage'));
const StudiesEditorList = lazyPage(() => import('../studies/EditorListPage'));
const StudyEditor = lazyPage<{ studyId: string }>(() => import('../studies/EditorPage'));

interface RouteDef {
  pattern: string;
  /** Public pages are reachable without a session and show the quick-exit button. */
  public?: boolean;
  /** The session must hold at least one of these permissions. */
  anyPermission?: string[];
  render: (params: Record<string, string>) => preact.JSX.Element;
}

const ROUTES: RouteDef[] = [
  { pattern: '/', public: true, render: () => <Landing /> },
  { pattern: '/territorio', public: true, render: () => <TerritoryPage /> },
  { pattern: '/territorio/:region', public: true, render: (p) => <TerritoryPage regionId={p.region} /> },
  { pattern: '/agenda-legislativa', public: true, render: () => <AgendaPage /> },
  { pattern: '/agenda-legislativa/:id', public: true, render: (p) => <BillPage billId={p.id!} /> },
  { pattern: '/politicas', public: true, render: () => <PolicyDashboard /> },
  { pattern: '/politicas/instrumentos/:id', public: true, render: (p) => <PolicyInstrument instrumentId={p.id!} /> },
  { pattern: '/politicas/items/:id', public: true, render: (p) => <PolicyItem itemId={p.id!} /> },
  { pattern: '/politicas/validacion', anyPermission: ['policy.validate'], render: () => <PolicyQueue /> },
  { pattern: '/politicas/mis-reportes', anyPermission: ['policy.report'], render: () => <PolicyMine /> },
  { pattern: '/politicas/pmg', public: true, render: () => <PolicyPmg /> },
  { pattern: '/politicas/region', anyPermission: ['policy.read'], render: () => <PolicyRegional /> },
  { pattern: '/politicas/mi-pmg', anyPermission: ['policy.report'], render: () => <PolicyMyPmg /> },
  { pattern: '/politicas/pmg/revision', anyPermission: ['policy.validate'], render: () => <PolicyPmgQueue /> },
  { pattern: '/politicas/pmg/servicios/:id', anyPermission: ['policy.report', 'policy.validate'], render: (p) => <PolicyPmgService serviceId={p.id!} /> },
  { pattern: '/ingresar', public: true, render: () => <LoginPage /> },
  { pattern: '/inicio', render: () => <HomePage /> },
  { pattern: '/mis-sesiones', render: () => <SessionsPage /> },
  { pattern: '/mi-cuenta', render: () => <AccountPage /> },
  { pattern: '/admin/usuarios', anyPermission: ['users.manage'], render: () => <UsersPage /> },
  { pattern: '/admin/roles', anyPermission: ['users.manage', 'roles.read'], render: () => <RolesPage /> },
  { pattern: '/admin/instituciones', anyPermission: ['institutions.manage'], render: () => <InstitutionsPage /> },
  { pattern: '/admin/auditoria', anyPermission: ['audit.read'], render: () => <AuditPage /> },
  { pattern: '/casos', anyPermission: ['cases.read'], render: () => <CasesSearch /> },
  { pattern: '/casos/personas/:id', anyPermission: ['cases.read'], render: (p) => <CasesPerson personId={p.id!} /> },
  { pattern: '/casos/nuevo', anyPermission: ['cases.write'], render: () => <CasesNew /> },
  { pattern: '/casos/derivaciones', anyPermission: ['cases.read'], render: () => <CasesReferrals /> },
  { pattern: '/casos/revisiones', anyPermission: ['cases.write'], render: () => <CasesReviews /> },
  { pattern: '/casos/estadisticas', anyPermission: ['cases.read'], render: () => <CasesStatistics /> },
  { pattern: '/alertas', anyPermission: ['alerts.respond'], render: () => <AlertsInbox /> },
  { pattern: '/alertas/reglas', anyPermission: ['alerts.configure'], render: () => <AlertRules /> },
  { pattern: '/alertas/:id', anyPermission: ['alerts.respond'], render: (p) => <AlertDetail alertId={p.id!} /> },
  { pattern: '/monitoreo', anyPermission: ['alerts.handle'], render: () => <MonConsole /> },
  { pattern: '/monitoreo/ordenes', anyPermission: ['monitoring.manage'], render: () => <MonOrders /> },
  { pattern: '/monitoreo/ordenes/:id', anyPermission: ['monitoring.manage'], render: (p) => <MonOrder orderId={p.id!} /> },
  { pattern: '/monitoreo/unidad', anyPermission: ['dispatch.receive'], render: () => <MonUnit /> },
  { pattern: '/canales', anyPermission: ['channels.answer'], render: () => <ChannelsConsole /> },
  { pattern: '/canales/supervision', anyPermission: ['channels.supervise'], render: () => <ChannelsSupervisor /> },
  { pattern: '/canales/estadistica', anyPermission: ['channels.supervise'], render: () => <ChannelsStatistics /> },
  { pattern: '/canales/historial', anyPermission: ['channels.statistics'], render: () => <ChannelsHistory /> },
  { pattern: '/chat', public: true, render: () => <ChatPage /> },
  { pattern: '/chat/conversaciones/:ref', anyPermission: ['channels.answer'], render: (p) => <ChatConversation sessionRef={p.ref!} /> },
  { pattern: '/farmacia', anyPermission: ['channels.pharmacy_report'], render: () => <PharmacyReport /> },
  { pattern: '/farmacia/seguimiento', anyPermission: ['channels.answer'], render: () => <PharmacyFollowup /> },
  { pattern: '/farmacia/inscripcion', anyPermission: ['channels.supervise'], render: () => <PharmacyEnrolment /> },
  { pattern: '/red', public: true, render: () => <CareDirectory /> },
  { pattern: '/red/interna', anyPermission: ['care.read'], render: () => <CareNetwork /> },
  { pattern: '/red/cupo', anyPermission: ['care.refer'], render: () => <CareFind /> },
  { pattern: '/red/casa', anyPermission: ['care.house'], render: () => <CareHouse /> },
  { pattern: '/red/tablero', anyPermission: ['care.board'], render: () => <CareBoard /> },
  { pattern: '/indicadores', public: true, render: () => <IndReport /> },
  { pattern: '/indicadores/catalogo', public: true, render: () => <IndCatalogue /> },
  { pattern: '/indicadores/catalogo/:id', public: true, render: (p) => <IndIndicator indicatorId={p.id!} /> },
  { pattern: '/indicadores/mis-indicadores', anyPermission: ['indicators.steward'], render: () => <IndSteward /> },
  { pattern: '/indicadores/importar', anyPermission: ['indicators.import'], render: () => <IndImport /> },
  { pattern: '/indicadores/editor', anyPermission: ['indicators.catalogue.edit'], render: () => <IndEditorList /> },
  { pattern: '/indicadores/editor/:id', anyPermission: ['indicators.catalogue.edit'], render: (p) => <IndEditor indicatorId={p.id!} /> },
  { pattern: '/directoras/buscar', anyPermission: ['registries.directoras.search'], render: () => <DirSearch /> },
  { pattern: '/directoras/perfil/:id', anyPermission: ['registries.directoras.search'], render: (p) => <DirProfile profileId={p.id!} /> },
  { pattern: '/directoras/mi-perfil', anyPermission: ['registries.directoras.profile'], render: () => <DirMine /> },
  { pattern: '/cuenta-publica', public: true, render: () => <AccountPublic /> },
  { pattern: '/cuenta-publica/editor', anyPermission: ['account.edit'], render: () => <AccountEditor /> },
  { pattern: '/cuenta-publica/hitos', anyPermission: ['account.milestones'], render: () => <AccountMilestones /> },
  { pattern: '/cuenta-publica/:id', public: true, render: (p) => <AccountPublic editionId={p.id!} /> },
  { pattern: '/participacion', public: true, render: () => <Participation /> },
  { pattern: '/participacion/:id', public: true, render: (p) => <Participation processId={p.id!} /> },
  { pattern: '/registros/certificaciones', public: true, render: () => <RegCertified /> },
  { pattern: '/registros/convenios', anyPermission: ['registries.manage'], render: () => <RegAgreements /> },
  { pattern: '/registros/convenios/:id', anyPermission: ['registries.manage'], render: (p) => <RegAgreement agreementId={p.id!} /> },
  { pattern: '/consejos', public: true, render: () => <Councils /> },
  { pattern: '/consejos/:id', public: true, render: (p) => <CouncilBody bodyId={p.id!} /> },
  { pattern: '/datos-personales/solicitudes', anyPermission: ['dataprotection.manage'], render: () => <DpRequests /> },
  { pattern: '/datos-personales/solicitudes/:id', anyPermission: ['dataprotection.manage'], render: (p) => <DpRequest requestId={p.id!} /> },
  { pattern: '/datos-personales/registro', anyPermission: ['dataprotection.manage'], render: () => <DpRopa /> },
  { pattern: '/datos-personales/brechas', anyPermission: ['dataprotection.manage'], render: () => <DpBreaches /> },
  { pattern: '/datos-personales/retenciones', anyPermission: ['dataprotection.manage'], render: () => <DpHolds /> },
  { pattern: '/datos-personales/conservacion', anyPermission: ['dataprotection.manage'], render: () => <DpRetention /> },
  { pattern: '/capacitaciones', public: true, render: () => <OutTrainings /> },
  { pattern: '/capacitaciones/gestion', anyPermission: ['outreach.manage'], render: () => <OutTrainingsAdmin /> },
  { pattern: '/campanas', public: true, render: () => <OutCampaigns /> },
  { pattern: '/charlas', public: true, render: () => <OutTalks /> },
  { pattern: '/charlas/gestion', anyPermission: ['outreach.manage'], render: () => <OutTalksAdmin /> },
  { pattern: '/charlas/certificado', public: true, render: () => <OutCertificate /> },
  { pattern: '/charlas/certificado/:code', public: true, render: (p) => <OutCertificate code={p.code!} /> },
  { pattern: '/estudios', public: true, render: () => <StudiesCatalogue /> },
  { pattern: '/estudios/gestion', anyPermission: ['studies.edit'], render: () => <StudiesEditorList /> },
  { pattern: '/estudios/gestion/:id', anyPermission: ['studies.edit'], render: (p) => <StudyEditor studyId={p.id!} /> },
  { pattern: '/estudios/:id', public: true, render: (p) => <StudyPage studyId={p.id!} /> },
];

function NotFound() {
  return (
    <section class="narrow">
      <PageHeader title="Página no encontrada" lead="La dirección no corresponde a ninguna página de Equidad." />
      <p>
        <a class="btn btn-primary" href="/">
          Ir a la portada
        </a>
      </p>
    </section>
  );
}

function Forbidden() {
  return (
    <section class="narrow">
      <PageHeader
        title="Acceso no autorizado"
        lead="Su rol no tiene permiso para ver esta página. Si cree que debería tenerlo, pida a la administración del sistema de su institución que revise sus roles."
      />
      <p>
        <a class="btn btn-primary" href="/inicio">
          Volver a mi inicio
        </a>
      </p>
    </section>
  );
}

function RequireSession({ path, search }: { path: string; search: string }) {
  useEffect(() => {
    const back = path + search;
    navigate(`/ingresar?volver=${encodeURIComponent(back)}`, { replace: true });
  }, [path, search]);
  return <Loading label="Redirigiendo al ingreso…" />;
}

function Routes() {
  const { path, search } = useLocation();
  const { state } = useSession();

  let route: RouteDef | undefined;
  let params: Record<string, string> = {};
  for (const r of ROUTES) {
    const m = match(r.pattern, path);
    if (m) {
      route = r;
      params = m;
      break;
    }
  }

  let content: preact.JSX.Element;
  if (!route) content = <NotFound />;
  else if (route.public) content = route.render(params);
  else if (state.status === 'loading') content = <Loading />;
  else if (state.status === 'anonymous') content = <RequireSession path={path} search={search.toString() ? `?${search}` : ''} />;
  else if (route.anyPermission && !route.anyPermission.some((p) => hasPermission(state, p))) content = <Forbidden />;
  else content = route.render(params);

  return <Shell publicPage={!route || !!route.public}>{content}</Shell>;
}

export const App: ComponentType = () => (
  <SessionProvider>
    <Routes />
  </SessionProvider>
);
