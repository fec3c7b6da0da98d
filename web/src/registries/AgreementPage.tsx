// One agreement (its own route, /registros/convenios/:id); the page lives with the list.
export { AgreementPage as default } from './AgreementsPage';
