// One conversation of the silent chat on a page of its own (/chat/conversaciones/:ref): for the
// operator who holds it and for supervisors (the server applies src/chat/access.cc). The operator
// console (web/src/channels/) embeds the same ChatPane beside the contact form.
import { PageHeader } from '../app/ui';
import { ChatPane } from './ChatPane';

export default function ConversationPage({ sessionRef }: { sessionRef: string }) {
  return (
    <section>
      <PageHeader title="Conversación del chat silencioso" lead="Lo escrito se guarda cifrado como registro del contacto." />
      <ChatPane contactId="" sessionRef={sessionRef} />
    </section>
  );
}
