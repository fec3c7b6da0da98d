// The start page's items, gathered by the server from every module (what needs attention).
import { api } from '../app/api';
import type { HomeData } from '../app/types';

export const getHome = (signal?: AbortSignal) => api.get<HomeData>('/me/home', { signal });
