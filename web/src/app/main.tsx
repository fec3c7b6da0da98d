import 'leaflet/dist/leaflet.css';
import './styles.css';
import { render } from 'preact';
import { App } from './App';
import { installLinkInterceptor } from './router';

installLinkInterceptor();
render(<App />, document.getElementById('app')!);
