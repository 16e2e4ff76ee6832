// Who is signed in: one query the shell, the user menu and the admin pages share.
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";

export interface SessionInfo {
  name: string;
  role: "admin" | "editor" | "annotator" | "viewer";
  csrf_token: string | null;
}

export const sessionKey = ["session"] as const;

export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: () => api<SessionInfo>("/session"),
    retry: false,
    staleTime: 60_000,
  });
}
